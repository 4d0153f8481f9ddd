import type { ParsedText } from '../../model.js';

/**
 * Returns our text-construct type for an Atom `type` attribute (1.0 keywords or Atom 0.3 MIME types),
 * or undefined when the construct holds something we cannot show as text (RFC 4287 §4.1.3.3: base64 media).
 */
export function textType(type: string | undefined): ParsedText['type'] | undefined {
  const normalized = type?.trim().toLowerCase();
  if (normalized === undefined || normalized === '' || normalized === 'text' || normalized === 'text/plain') return 'text';
  if (normalized === 'html' || normalized === 'text/html') return 'html';
  if (normalized === 'xhtml' || normalized === 'application/xhtml+xml') return 'xhtml';
  // RFC 4287 §4.1.3.3: other XML media types are inline markup, other text/* is plain text.
  if (normalized.endsWith('/xml') || normalized.endsWith('+xml')) return 'xhtml';
  if (normalized.startsWith('text/')) return 'text';
  return undefined;
}
