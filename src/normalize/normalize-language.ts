/**
 * Returns a language tag in BCP 47 form (`en_US` → `en-US`, as feedparser and browsers read it), or null when blank.
 */
export function normalizeLanguage(raw: string | undefined): string | null {
  const trimmed = raw?.trim();
  return trimmed ? trimmed.replace(/_/g, '-') : null;
}
