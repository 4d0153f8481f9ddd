import { XMLParser } from 'fast-xml-parser';

export interface AtomEntryView {
  id: string;
  title: string;
  published: string;
  updated: string;
  alternate: string | undefined;
  related: { href: string; title: string }[];
  content: string;
}

/** Reads an Atom document with a plain XML parser (not our own parse stage), for assertions. */
export function readAtom(xml: string): { id: string; updated: string; entries: AtomEntryView[] } {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'entry' || name === 'link' }).parse(xml) as {
    feed: { id: string; updated: string; entry?: Record<string, unknown>[] };
  };
  const text = (v: unknown): string => (typeof v === 'object' && v !== null ? String((v as Record<string, unknown>)['#text'] ?? '') : String(v ?? ''));
  return {
    id: doc.feed.id,
    updated: doc.feed.updated,
    entries: (doc.feed.entry ?? []).map((e) => {
      const links = (e.link as Record<string, string>[] | undefined) ?? [];
      return {
        id: text(e.id),
        title: text(e.title),
        published: text(e.published),
        updated: text(e.updated),
        alternate: links.find((l) => (l['@rel'] ?? 'alternate') === 'alternate')?.['@href'],
        related: links.filter((l) => l['@rel'] === 'related').map((l) => ({ href: l['@href']!, title: l['@title'] ?? '' })),
        content: text(e.content),
      };
    }),
  };
}
