import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { addSourcesToConfigText } from '../../../src/subscriptions/add-sources-to-config.js';
import { discoverFeed, findFeedLinks } from '../../../src/subscriptions/discover-feed.js';
import { parseOpmlSubscriptions, renderOpml } from '../../../src/subscriptions/opml.js';
import { serve } from '../../support/loopback.js';

const FETCH = { timeoutMs: 5_000, maxBytes: 1_000_000, userAgent: 't' };
const ATOM = (title: string) => `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title><id>urn:x</id><updated>2026-01-01T00:00:00Z</updated></feed>`;
const NESTED = readFileSync(new URL('../../fixtures/sources/nested.opml', import.meta.url), 'utf8');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

function tempConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'storyfeed-sources-')), 'config.json');
  writeFileSync(path, text);
  return path;
}

const CONFIG = `{
  "sources": [
    { "id": "known", "name": "Known", "url": "https://known.example/rss" }
  ],
  "output": { "title": "My stories" },
  "log": { "level": "silent" }
}
`;

describe('feed discovery', () => {
  it('finds alternate feed links in document order, resolved against <base>', () => {
    const html = `<html><head><base href="https://cdn.example/site/">
      <link rel="stylesheet" href="/s.css"><link rel="alternate stylesheet" type="application/rss+xml" href="no.xml">
      <link rel="Alternate" type="application/atom+xml" href="atom.xml" title="Atom">
      <link rel="alternate" type="application/rss+xml; charset=utf-8" href="https://other.example/rss">
      <link rel="alternate" type="text/html" href="/fr/"></head></html>`;
    expect(findFeedLinks(html, 'https://site.example/')).toEqual([
      { href: 'https://cdn.example/site/atom.xml', type: 'application/atom+xml', title: 'Atom' },
      { href: 'https://other.example/rss', type: 'application/rss+xml' },
    ]);
  });

  it("finds a site's feed from its HTML page", async () => {
    const { base } = await serve((req, res) => {
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><link rel="alternate" type="application/atom+xml" href="/feeds/all.atom"></head></html>');
      if (req.url === '/feeds/all.atom') return void res.writeHead(200).end(ATOM('Site news'));
      res.writeHead(404).end();
    });
    expect(await discoverFeed(`${base}/`, FETCH)).toEqual({ url: `${base}/feeds/all.atom`, title: 'Site news', via: 'link' });
  });

  it('falls back to common paths when the page links no feed', async () => {
    const { base, requests } = await serve((req, res) => {
      if (req.url === '/') return void res.writeHead(200).end('<html><head><title>x</title></head></html>');
      if (req.url === '/atom.xml') return void res.writeHead(200).end(ATOM('Found'));
      res.writeHead(404).end();
    });
    expect(await discoverFeed(`${base}/`, FETCH)).toMatchObject({ url: `${base}/atom.xml`, via: 'common-path' });
    expect(requests.map((r) => r.url)).toEqual(['/', '/feed', '/rss.xml', '/atom.xml']);
  });

  it('`sources add` adds the discovered feed to config.json keeping its formatting and other keys', async () => {
    const { base } = await serve((req, res) => {
      if (req.url === '/') return void res.writeHead(200).end('<link rel="alternate" type="application/rss+xml" href="/rss">');
      res.writeHead(200).end('<rss version="2.0"><channel><title>Café Daily</title></channel></rss>');
    });
    const configPath = tempConfig(CONFIG);
    const c = capture();
    expect(await main(['sources', 'add', `${base}/`, '--config', configPath], c.io)).toBe(0);
    expect(readFileSync(configPath, 'utf8')).toBe(
      CONFIG.replace(
        '"https://known.example/rss" }\n',
        `"https://known.example/rss" },\n    { "id": "cafe-daily", "name": "Café Daily", "url": "${base}/rss" }\n`,
      ),
    );
    expect(c.out.join('')).toContain('added cafe-daily');
  });
});

describe('config editing', () => {
  it('appends to a multi-line array with its indentation and CRLF line ends', () => {
    const text = '{\r\n\t"sources": [\r\n\t\t{\r\n\t\t\t"id": "a",\r\n\t\t\t"name": "A",\r\n\t\t\t"url": "a.xml"\r\n\t\t}\r\n\t]\r\n}\r\n';
    const out = addSourcesToConfigText(text, [{ id: 'b', name: 'B "quoted"', url: 'b.xml' }]);
    expect(out).toBe(text.replace('\t\t}\r\n\t]', '\t\t},\r\n\t\t{\r\n\t\t\t"id": "b",\r\n\t\t\t"name": "B \\"quoted\\"",\r\n\t\t\t"url": "b.xml"\r\n\t\t}\r\n\t]'));
    expect(JSON.parse(out).sources).toHaveLength(2);
  });

  it('ignores a "sources" key nested deeper and strings containing brackets', () => {
    const text = '{"x":{"sources":[1]},"note":"] [","sources":[{"id":"a","name":"A","url":"a.xml"}]}';
    const out = JSON.parse(addSourcesToConfigText(text, [{ id: 'b', name: 'B', url: 'b.xml' }]));
    expect(out.x.sources).toEqual([1]);
    expect(out.sources.map((s: { id: string }) => s.id)).toEqual(['a', 'b']);
    expect(out.note).toBe('] [');
  });
});

describe('OPML', () => {
  it('reads nested outlines and reports invalid URLs', () => {
    const { feeds, invalid } = parseOpmlSubscriptions(NESTED);
    expect(feeds.map((f) => [f.title, f.xmlUrl, f.folders])).toEqual([
      ['Daily Planet', 'https://planet.example/feed.xml', ['News']],
      ['Gadget Blog', 'https://gadgets.example/atom.xml', ['News', 'Tech']],
      ['Daily Planet again', 'https://planet.example/feed.xml', ['News', 'Tech']],
      ['Already followed', 'https://known.example/rss', []],
    ]);
    expect(invalid.map((i) => [i.title, i.reason])).toEqual([
      ['Broken', 'not an absolute URL'],
      ['FTP', 'unsupported protocol ftp:'],
    ]);
  });

  it('imports (duplicates skipped, invalid reported) and exports, round trip', async () => {
    const configPath = tempConfig(CONFIG);
    const opmlPath = join(configPath, '..', 'in.opml');
    writeFileSync(opmlPath, NESTED);
    const imported = capture();
    // --no-check: these .example URLs must not be fetched (no test touches the network); checking is tested with a loopback server.
    expect(await main(['sources', 'import', opmlPath, '--no-check', '--config', configPath], imported.io)).toBe(0);
    expect(imported.out.join('')).toBe('imported 2 sources, 2 duplicates skipped, 2 invalid\n');
    expect(imported.err.join('')).toContain('invalid: Broken: "not a url": not an absolute URL');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config.sources.map((s: { id: string }) => s.id)).toEqual(['known', 'daily-planet', 'gadget-blog']);
    expect(config.output).toEqual({ title: 'My stories' });

    const exported = capture();
    expect(await main(['sources', 'export', '--config', configPath], exported.io)).toBe(0);
    const back = parseOpmlSubscriptions(exported.out.join(''));
    expect(back.invalid).toEqual([]);
    expect(back.feeds.map((f) => [f.title, f.xmlUrl])).toEqual(config.sources.map((s: { name: string; url: string }) => [s.name, s.url]));

    // Importing the export into the same config adds nothing.
    writeFileSync(opmlPath, exported.out.join(''));
    const again = capture();
    expect(await main(['sources', 'import', opmlPath, '--config', configPath], again.io)).toBe(0);
    expect(again.out.join('')).toBe('imported 0 sources, 3 duplicates skipped, 0 invalid\n');
  });

  it('renders OPML 2.0 with only http(s) sources', () => {
    const xml = renderOpml([{ name: 'A & B', url: 'https://a.example/feed' }, { name: 'Local', url: '/srv/feeds/x.xml' }], { title: 't', now: new Date('2026-01-01T00:00:00Z') });
    expect(xml).toContain('<opml version="2.0">');
    expect(parseOpmlSubscriptions(xml).feeds).toEqual([{ title: 'A & B', xmlUrl: 'https://a.example/feed', folders: [] }]);
  });
});

describe('sources list', () => {
  it('shows every source with its status, item count, next poll and error', async () => {
    const { base } = await serve((req, res) => (req.url === '/ok' ? res.writeHead(200).end('<rss version="2.0"><channel><title>t</title><item><title>a</title></item><item><title>b</title></item></channel></rss>') : res.writeHead(503).end()));
    const text = JSON.stringify({ sources: [{ id: 'ok', name: 'OK', url: `${base}/ok` }, { id: 'down', name: 'Down', url: `${base}/down` }], log: { level: 'silent' }, fetch: { hostSpacingMs: 0 } });
    const configPath = tempConfig(text);
    expect(await main(['run', '--config', configPath], capture().io)).toBe(0);
    const c = capture();
    expect(await main(['sources', 'list', '--config', configPath], c.io)).toBe(0);
    const out = c.out.join('');
    expect(out).toMatch(/^ok {2}OK\n {2}url: .*\/ok\n {2}status: ok {2}items: 2 {2}next poll: next run\n/m);
    expect(out).toMatch(/^down {2}Down\n.*\n {2}status: failed {2}items: - {2}next poll: \S+Z \(back-off\)\n {2}error: fetch: HTTP 503/m);
  });
});

describe('config editing of an empty sources array', () => {
  it('lays the entry out with the file\'s indent and keeps the other keys byte for byte', () => {
    const text = '{\n    "sources": [],\n    "output": { "title": "T" }\n}\n';
    const out = addSourcesToConfigText(text, [{ id: 'a', name: 'A', url: 'a.xml' }]);
    expect(JSON.parse(out).sources).toEqual([{ id: 'a', name: 'A', url: 'a.xml' }]);
    expect(out.endsWith('    "output": { "title": "T" }\n}\n')).toBe(true);
    expect(out).toContain('\n            "id": "a"');
  });
});
