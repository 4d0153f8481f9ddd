// Inline XHTML, SVG and MathML in an Atom `type="xhtml"` construct reach us as the XML source, with whatever
// prefixes the document bound to those namespaces (`<svg:circle>` with xmlns:svg declared on the entry). The
// HTML that storyfeed keeps has no prefixes: an HTML parser reads `svg:circle` as an unknown element.

import { parseFastPaths } from './fast-paths.js';

const INLINE_NAMESPACES: ReadonlySet<string> = new Set(['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg', 'http://www.w3.org/1998/Math/MathML']);

/** Returns the prefixes the document binds (anywhere) to the XHTML, SVG or MathML namespace. */
export function findInlinePrefixes(xml: string): string[] {
  if (!xml.includes('xmlns:')) return [];
  // Only a declaration naming one of the three URIs counts, so a document without them has none (a faster search).
  if (parseFastPaths() && ![...INLINE_NAMESPACES].some((uri) => xml.includes(uri))) return [];
  const prefixes = new Set<string>();
  for (const [, prefix = '', uri = ''] of xml.matchAll(/\sxmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
    if (INLINE_NAMESPACES.has(uri.trim())) prefixes.add(prefix);
  }
  return [...prefixes];
}

/** Returns `markup` with the given namespace prefixes removed from element names and their xmlns:prefix declarations dropped. */
export function unprefixInlineMarkup(markup: string, prefixes: readonly string[]): string {
  if (prefixes.length === 0) return markup;
  const names = prefixes.map((prefix) => prefix.replace(/[.-]/g, '\\$&')).join('|');
  return markup.replace(new RegExp(`<(/?)(?:${names}):`, 'g'), '<$1').replace(new RegExp(`\\sxmlns:(?:${names})\\s*=\\s*(["'])[^"']*\\1`, 'g'), '');
}
