import { describe, expect, it } from 'vitest';
import { DOCUMENT_LIMITS } from '../../../src/config/document-limits.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { readDocument } from '../../../src/pipeline/read-document.js';

const rss = (count: number) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://x.example/</link><description>d</description>${Array.from(
    { length: count },
    (_, i) => `<item><title>Story ${i}</title><link>https://x.example/${i}</link><guid>g${i}</guid></item>`,
  ).join('')}</channel></rss>`;

const job = (text: string, limits?: { maxItemsPerDocument: number; maxDepth: number }) => ({
  body: new TextEncoder().encode(text),
  source: { id: 's', name: 'S', url: 'https://x.example/feed' },
  context: { fetchedAt: '2026-01-01T00:00:00.000Z' },
  ...(limits ? { limits } : {}),
});

describe('readDocument per-document limits', () => {
  it('reads the first maxItemsPerDocument entries and reports the cut', () => {
    const result = readDocument(job(rss(7), { maxItemsPerDocument: 3, maxDepth: 256 }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.items.map((i) => i.title)).toEqual(['Story 0', 'Story 1', 'Story 2']);
    expect(result.cut).toEqual({ listed: 7, kept: 3 });
    expect(result.warnings[0]).toBe('7 entries listed, the first 3 read (fetch.maxItemsPerDocument)');
  });

  it.each([
    [
      'Atom',
      `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>${Array.from({ length: 6 }, (_, i) => `<entry><title>Entry ${i}</title><id>urn:a:${i}</id><link href="https://a.example/${i}"/></entry>`).join('')}<updated>2026-01-01T00:00:00Z</updated></feed>`,
    ],
    [
      'RSS 1.0',
      `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link><description>d</description></channel>${Array.from({ length: 6 }, (_, i) => `<item rdf:about="https://r.example/${i}"><title>Entry ${i}</title><link>https://r.example/${i}</link></item>`).join('')}</rdf:RDF>`,
    ],
  ])('%s: the feed library reads only the first entries, the rest of the document (closing tags, metadata) stays', (_format, xml) => {
    const result = readDocument(job(xml, { maxItemsPerDocument: 2, maxDepth: 256 }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.items.map((i) => i.title)).toEqual(['Entry 0', 'Entry 1']);
    expect(result.cut).toEqual({ listed: 6, kept: 2 });
  });

  it('reports nothing when the document is within the cap', () => {
    const result = readDocument(job(rss(3), { maxItemsPerDocument: 3, maxDepth: 256 }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.items).toHaveLength(3);
    expect(result.cut).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('refuses a document nested past maxDepth as parse/too-deep', () => {
    const deep = rss(1).replace('</item>', `${'<x>'.repeat(50)}${'</x>'.repeat(50)}</item>`);
    const result = readDocument(job(deep, { maxItemsPerDocument: 10, maxDepth: 40 }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('parse/too-deep');
  });

  it('takes its defaults from the config schema (one source of defaults)', () => {
    const config = resolveConfig({ sources: [{ id: 'a', name: 'A', url: 'a.xml' }] }, '/tmp/config.json');
    expect(config.fetch.maxItemsPerDocument).toBe(DOCUMENT_LIMITS.maxItemsPerDocument);
    expect(config.fetch.maxDepth).toBe(DOCUMENT_LIMITS.maxDepth);
  });
});
