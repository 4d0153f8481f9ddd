/** A content coding the server can send. */
export type ContentCoding = 'br' | 'gzip' | 'identity';

/**
 * Returns the coding to send for an Accept-Encoding header (RFC 9110 §12.5.3): the accepted coding with the highest
 * q-value among br and gzip (br on a tie), else identity. A coding not listed is acceptable only through `*`.
 */
export function negotiateEncoding(acceptEncoding: string | undefined): ContentCoding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName?.trim().toLowerCase();
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
      if (match) q = Math.min(1, Math.max(0, Number(match[1]) || 0));
    }
    // RFC 9110 §12.5.3: "x-gzip" is an alias of "gzip"; the first mention of a coding wins.
    const key = name === 'x-gzip' ? 'gzip' : name;
    if (!weights.has(key)) weights.set(key, q);
  }
  const weightOf = (coding: string): number => weights.get(coding) ?? weights.get('*') ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}
