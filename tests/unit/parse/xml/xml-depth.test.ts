import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../../src/parse/parse-feed.js';
import { xmlDepth } from '../../../../src/parse/xml/xml-depth.js';
import { ParseError } from '../../../../src/lib/errors.js';

const nested = (depth: number) => `${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}`;
const rss = (inner: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a</title><link>https://x.example/1</link>${inner}</item></channel></rss>`;

describe('xmlDepth', () => {
  it.each([
    ['a flat document', '<a><b/><c>t</c></a>', 2],
    ['nested elements', '<a><b><c></c></b></a>', 3],
    ['comments, CDATA and instructions hold no elements', '<?xml version="1.0"?><a><!-- <b><c> --><![CDATA[<b><c><d>]]><?pi <b>?></a>', 1],
    ['a stray end tag closes nothing', '<a></z><b><c></c></b></a>', 3],
    ['an end tag closes what is open inside it', '<a><p><i>x</p><b></b></a>', 3],
    ['unclosed elements (unescaped HTML) nest until their parent closes', `<rss><channel><item><description>${'<br>x'.repeat(50)}</description></item><item><description>${'<br>'.repeat(20)}</description></item></channel></rss>`, 54],
    ['self-closing elements do not nest', '<a><b/><b /><b x="1"/></a>', 1],
    ['a declaration with a subset', '<!DOCTYPE rss [<!ENTITY e "x">]><a><b/></a>', 1],
  ])('%s', (_name, xml, depth) => {
    expect(xmlDepth(xml, 100)).toBe(depth);
  });

  it('stops as soon as the depth passes the limit', () => {
    expect(xmlDepth(nested(200_000), 256)).toBe(257);
  });

  it('never walks the stack for a stray end tag', () => {
    // Counts work, not time: a stray end tag never walks the stack, so 100,000 of them after 100,000 open elements stay cheap.
    const xml = `${'<x>'.repeat(100_000)}${'</y>'.repeat(100_000)}`;
    expect(xmlDepth(xml, 1_000_000)).toBe(100_000);
  });
});

describe('parseFeed nesting limit', () => {
  it('refuses a document nested past maxDepth before parsing it', () => {
    const doc = rss(nested(300));
    expect(() => parseFeed(doc)).toThrow(ParseError);
    try {
      parseFeed(doc);
    } catch (error) {
      expect((error as ParseError).code).toBe('parse/too-deep');
    }
  });

  it('reads a document nested within the limit, and a deeper one when the limit is raised', () => {
    expect(parseFeed(rss(nested(90))).entries).toHaveLength(1);
    // fast-xml-parser (under feedsmith) refuses more than 100 levels on its own: a deeper document is malformed, not too deep.
    expect(() => parseFeed(rss(nested(300)), { maxDepth: 400 })).toThrow(/malformed/);
  });

  it('refuses 200,000 nested elements (1.4 MB) as too deep (timings: scripts/bench-parse-limits.mjs)', () => {
    expect(() => parseFeed(rss(nested(200_000)))).toThrow(/nested more than 256 levels/);
  });
});
