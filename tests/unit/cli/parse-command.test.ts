import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { describeFeed } from '../../../src/cli/commands/parse-command.js';

const RSS = `<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0"><channel><title>Caf\xe9 &amp; co</title><link>/home</link>
<item><title>One <b>bold</b></title><link>/a/1?utm_source=x</link><pubDate>Fri, 27 Mar 2015 11:29:00 +0100</pubDate>
<description>&lt;p&gt;Hi &lt;img src="pic.png" onerror="x()"&gt;&lt;/p&gt;</description><author>jane@example.com (Jane)</author></item>
<item><title>Two</title></item></channel></rss>`;

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) }).then((code) => ({ code, out, err }));
}

describe('describeFeed', () => {
  it('decodes, parses and normalises like the pipeline, resolving against the base', () => {
    const report = describeFeed(Buffer.from(RSS, 'latin1'), { url: 'https://news.example/feed.xml', fetchedAt: '2020-01-01T00:00:00.000Z' });
    expect(report.decoded.encoding).toBe('windows-1252');
    expect(report.feed).toMatchObject({ title: 'Café & co', url: 'https://news.example/home' });
    expect(report.items[0]).toMatchObject({
      title: 'One bold',
      url: 'https://news.example/a/1',
      published: '2015-03-27T10:29:00.000Z',
      authors: ['Jane'],
      contentHtml: '<p>Hi <img src="https://news.example/pic.png" /></p>',
    });
  });

  it('uses the Content-Type charset as the fetch stage passes it', () => {
    const body = Buffer.from('<rss version="2.0"><channel><title>\xe9</title></channel></rss>', 'latin1');
    expect(describeFeed(body, { url: 'https://x.example/', contentType: 'text/xml; charset=iso-8859-1', fetchedAt: '2020-01-01T00:00:00.000Z' }).feed.title).toBe('é');
  });
});

describe('describeFeed: transport headers', () => {
  const ATOM = '<feed xmlns="http://www.w3.org/2005/Atom"><link href="home"/><entry><title>t</title><link href="a"/></entry></feed>';

  it('resolves relative links against Content-Location, and reports that base', () => {
    const report = describeFeed(Buffer.from(ATOM), { url: 'https://feeds.example/x.xml', contentLocation: 'https://site.example/blog/', fetchedAt: '2020-01-01T00:00:00.000Z' });
    expect(report.baseUrl).toBe('https://site.example/blog/');
    expect(report.items[0]?.url).toBe('https://site.example/blog/a');
  });

  it('takes the language from Content-Language when the feed declares none', () => {
    const report = describeFeed(Buffer.from(ATOM), { url: 'https://feeds.example/x.xml', contentLanguage: 'en', fetchedAt: '2020-01-01T00:00:00.000Z' });
    expect(report.feed.language).toBe('en');
    expect(report.items[0]?.language).toBe('en');
  });
});

describe('storyfeed parse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storyfeed-parse-'));
  const file = join(dir, 'feed.xml');
  writeFileSync(file, Buffer.from(RSS, 'latin1'));

  it('prints feed and items as JSON, dates ISO UTC or null, URLs against --base', async () => {
    const { code, out } = await run(['parse', file, '--base', 'https://news.example/feeds/']);
    expect(code).toBe(0);
    const json = JSON.parse(out) as { feed: Record<string, unknown>; items: Record<string, unknown>[] };
    expect(json.feed).toMatchObject({ title: 'Café & co', url: 'https://news.example/home' });
    expect(json.items.map((item) => [item['url'], item['published'], item['updated']])).toStrictEqual([
      ['https://news.example/a/1', '2015-03-27T10:29:00.000Z', null],
      [null, null, null],
    ]);
    expect(Object.keys(json.items[0] ?? {})).toEqual(expect.arrayContaining(['id', 'title', 'url', 'published', 'updated', 'authors', 'summary', 'content']));
  });

  it('without --base, relative URLs stay unresolved against a local file', async () => {
    const { out } = await run(['parse', file]);
    expect((JSON.parse(out) as { items: { url: string | null }[] }).items[0]?.url).toBeNull();
  });

  it('reports a document that is not a feed as an error, exit 1', async () => {
    const html = join(dir, 'page.html');
    writeFileSync(html, '<!doctype html><html><body>hi</body></html>');
    const { code, err } = await run(['parse', html]);
    expect(code).toBe(1);
    expect(err).toMatch(/not a feed.*parse\/not-a-feed/);
  });

  it('refuses a missing argument', async () => {
    expect((await run(['parse'])).code).toBe(2);
  });
});
