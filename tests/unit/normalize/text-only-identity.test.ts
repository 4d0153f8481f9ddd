// normalizeFeed without HTML (the pipeline's mode, { contentHtml: false }) must give every field but contentHtml
// exactly as the full mode does: same titles, summaries, contentText, ids, dates, warnings. Checked on tricky
// fixtures, on a generated bench corpus, and on every file of feedparser's conformance corpus when ../shared is
// present (it is read in place, never copied).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateCorpus, generatedStories } from '../../../tools/bench/generate-corpus.js';
import { listFiles, readCase } from '../../../tools/conformance/run-conformance.js';
import { decodeBytes } from '../../../src/decode/decode-bytes.js';
import type { ParsedEntry, ParsedFeed, ParsedText } from '../../../src/model.js';
import { findDocumentBaseUrl, findHeaderLanguage } from '../../../src/normalize/document-base-url.js';
import { normalizeFeed, type NormalizeContext } from '../../../src/normalize/normalize-feed.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';
import { skipReason, withSkipReason } from '../../support/skip-reason.js';

const FETCHED_AT = '2025-06-02T00:00:00.000Z';
const SOURCE = { id: 'src', name: 'Source', url: 'https://news.example.org/feed.xml' };

/** Normalises `feed` both ways, asserts the text-only items are the full ones with contentHtml '', returns the full items. */
function expectSameText(feed: ParsedFeed, context: NormalizeContext = { fetchedAt: FETCHED_AT }, label = '') {
  const full = normalizeFeed(feed, SOURCE, context);
  const textOnly = normalizeFeed(feed, SOURCE, context, { contentHtml: false });
  expect(textOnly.warnings, label).toEqual(full.warnings);
  expect(textOnly.items, label).toEqual(full.items.map((item) => ({ ...item, contentHtml: '' })));
  return full.items;
}

const entry = (overrides: Partial<ParsedEntry> = {}): ParsedEntry => ({ links: [], authors: [], categories: [], ...overrides });
const html = (value: string): ParsedText => ({ type: 'html', value });

/** Content HTML where a text extractor could plausibly part ways with the sanitiser's parse. */
const TRICKY_CONTENT: [name: string, content: ParsedText, contentText: string][] = [
  ['script, style and applet (the sanitiser drops their text)', html('a<script>x()</script>b<style>p{}</style>c<applet><p>d</p></applet>e'), 'abc e'],
  ['svg, math, noscript, template, iframe, object (text skipped)', html('<p>a</p><svg><text>no</text></svg><math><mi>x</mi></math><noscript>js</noscript><template>t</template><iframe>i</iframe><object>o</object>b'), 'a b'],
  ['textarea, select/option, xmp', html('<textarea>raw &amp; <b>t</b></textarea><select><option>o1</option></select><option>lone</option><xmp><b>x</b></xmp>z'), 'lone<b>x</b>z'],
  ['entities, double-escaped markup, entities without semicolon', html('Fish &amp;amp; chips &lt;b&gt; &copy 2015 &#8217; &nbsp;x'), 'Fish &amp; chips <b> © 2015 ’ x'],
  ['CDATA wrapper kept as markup', html('<![CDATA[<p>Inside</p><p>CDATA</p>]]>'), 'Inside CDATA'],
  ['block elements and br separate words, inline ones do not', html('<p>One</p><div>Two</div><br>Th<b>r</b>ee<li>four</li><img src="x.png">five</BR>six</p>seven'), 'One Two Three four five six seven'],
  ['unclosed and stray tags, an incomplete tag at the end', html('<p>open <b>bold</i> <table><td>cell</table></div>tail <a href="x'), 'open bold cell tail'],
  ['nested applet and a disallowed tag around text', html('<applet><applet></applet>gone</applet>kept<form><p>in form</p></form><blink>blink</blink>'), 'kept in form blink'],
  ['tags outside their vocabulary (svg children in html)', html('<circle>c</circle><mi>m</mi><animate attributename="href">a</animate>'), 'cma'],
  ['upper-case tags and attributes', html('<P CLASS="x">Upper</P><SCRIPT>no</SCRIPT><BR>case'), 'Upper case'],
  ['only whitespace', html('   \n '), ''],
  ['xhtml content', { type: 'xhtml', value: '<div xmlns="http://www.w3.org/1999/xhtml"><p>X<br/>Y</p><svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:text>s</svg:text></svg:svg></div>' }, 'X Y s'],
  ['html decoded from base64 (verbatim)', { type: 'html', value: '<p>AT&amp;T</p><p>&lt;blink&gt;</p>', verbatim: true }, 'AT&T <blink>'],
  ['text content (verbatim base64: entities literal)', { type: 'text', value: 'History of &lt;blink&gt;', verbatim: true }, 'History of &lt;blink&gt;'],
  ['text content with markup-like text', { type: 'text', value: 'Use <b> &amp;amp; more' }, 'Use <b> &amp; more'],
];

describe('normalizeFeed { contentHtml: false }', () => {
  it.each(TRICKY_CONTENT)('%s: same fields as with HTML', (_name, content, contentText) => {
    const items = expectSameText({
      format: 'atom',
      entries: [
        entry({ id: 'a', title: html('T <em>1</em> &amp;amp;'), content }),
        // Content only: the summary and the fallback title come from the content's text.
        entry({ id: 'b', content }),
        // A summary too, and a content whose HTML may sanitise to nothing (the full mode then shows the summary's).
        entry({ id: 'c', title: html('T3'), summary: html('<p>Sum</p><script>x</script>'), content }),
      ],
    });
    expect(items[0]!.contentText).toBe(contentText);
  });

  it('gives contentHtml "" and no sanitised HTML at all, but every other field', () => {
    const feed: ParsedFeed = { format: 'rss', entries: [entry({ id: 'x', title: html('Title'), content: html('<p>Body <a href="/l">link</a></p>') })] };
    const [item] = normalizeFeed(feed, SOURCE, { fetchedAt: FETCHED_AT }, { contentHtml: false }).items;
    expect(item).toMatchObject({ title: 'Title', contentText: 'Body link', summary: 'Body link', contentHtml: '' });
    expect(normalizeFeed(feed, SOURCE, { fetchedAt: FETCHED_AT }).items[0]!.contentHtml).toBe('<p>Body <a href="https://news.example.org/l">link</a></p>');
  });

  it('is the same on a generated bench corpus (all four formats, ~600-word HTML contents)', () => {
    const { sources } = generateCorpus({ sources: 8, itemsPerSource: 25, pool: generatedStories(300, 7), seed: 7 });
    let items = 0;
    for (const s of sources) {
      const decoded = decodeBytes(new TextEncoder().encode(s.document), { contentType: s.format === 'json' ? 'application/feed+json' : 'application/xml' });
      const full = expectSameText(parseFeed(decoded.text), { fetchedAt: FETCHED_AT, baseUrl: `http://127.0.0.1/${s.id}` }, s.id);
      expect(full.every((item) => item.contentHtml.length > 1000 && item.contentText.length > 1000), s.id).toBe(true);
      items += full.length;
    }
    expect(items).toBe(200);
  });

  const corpus = fileURLToPath(new URL('../../../../shared/conformance/feedparser', import.meta.url));
  it.skipIf(!existsSync(corpus))(withSkipReason('is the same on every document of the conformance corpus (../shared)', skipReason(!existsSync(corpus), `no conformance corpus at ${corpus}`)), () => {
    let documents = 0;
    let withHtml = 0;
    for (const file of listFiles(corpus)) {
      const bytes = readFileSync(join(corpus, file));
      // As the conformance runner reads a document (run-conformance.ts runDocument → describeFeed).
      const { headers } = readCase(file, bytes);
      const contentType = headers['content-type'];
      let feed: ParsedFeed;
      try {
        feed = parseFeed(decodeBytes(bytes, contentType !== undefined ? { contentType } : {}).text);
      } catch {
        continue; // not a feed: neither mode reaches normalisation
      }
      const url = `http://127.0.0.1:8097/tests/${file}`;
      const language = findHeaderLanguage(headers['content-language']);
      const context: NormalizeContext = { fetchedAt: '2000-01-01T00:00:00.000Z', baseUrl: findDocumentBaseUrl(url, headers['content-location']), ...(language !== undefined ? { language } : {}) };
      const full = expectSameText(feed, context, file);
      documents++;
      if (full.some((item) => item.contentHtml !== '')) withHtml++;
    }
    // The corpus has ~2,100 documents; most parse and many carry markup.
    expect(documents).toBeGreaterThan(1500);
    expect(withHtml).toBeGreaterThan(500);
  });
});
