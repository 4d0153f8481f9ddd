const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Returns plain text escaped for use in HTML text and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  // `&#39;` rather than `&apos;`: HTML 4 has no `&apos;`, and feedsmith rewrites every `&apos;` in its output.
  return value.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);
}
