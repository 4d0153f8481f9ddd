// Item ids: stable across runs, so the store recognises an article it has seen before.
import { createHash } from 'node:crypto';

/** Which rung of the key chain identified an entry. */
export type ItemKeyKind = 'guid' | 'url' | 'title-date' | 'content';

/** What `findItemKey` looks at, already cleaned by the caller. */
export interface ItemKeyInput {
  /** The entry's own id, trimmed; null when absent or blank. */
  guid: string | null;
  /** Canonical URL, or null. */
  url: string | null;
  /** Plain-text title as the feed gave it (not a fallback), or ''. */
  title: string;
  /** The raw published (else updated) string as the feed gave it, or undefined. */
  rawDate: string | undefined;
  /** Raw content (else summary) value, hashed as the last resort. */
  content: string;
}

/** Returns a stable 16-hex-digit id: the start of sha256(sourceId + "\n" + key). */
export function itemId(sourceId: string, key: string): string {
  return sha256Hex(`${sourceId}\n${key}`).slice(0, 16);
}

/** Returns the first usable identity of an entry: guid → canonical URL → title + raw date → hash of content. */
export function findItemKey(input: ItemKeyInput): { kind: ItemKeyKind; key: string } {
  if (input.guid !== null && input.guid !== '') return { kind: 'guid', key: input.guid };
  if (input.url !== null && input.url !== '') return { kind: 'url', key: input.url };
  if (input.title !== '') return { kind: 'title-date', key: `${input.title}\n${input.rawDate?.trim() ?? ''}` };
  return { kind: 'content', key: `content:${sha256Hex(input.content)}` };
}

/** Returns the lower-case hex sha256 of a UTF-8 string. */
function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
