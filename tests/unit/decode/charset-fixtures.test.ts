// Each fixture is bytes in one charset (tests/fixtures/fetch/rss2-<charset>.xml), served over loopback
// HTTP and decoded: the title must come out as the exact Unicode text, via the rule the table names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../../src/decode/decode-bytes.js';
import { fetchSource } from '../../../src/fetch/fetch-source.js';
import { serve } from '../../support/loopback.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/fetch/${name}`, import.meta.url));
const title = (text: string) => /<title>(.*?)<\/title>/.exec(text)?.[1];

describe('charsets from fixture bytes, fetched over HTTP', () => {
  it.each([
    // file, Content-Type sent, expected title, expected encoding, expected source
    ['rss2-utf-8.xml', 'application/rss+xml', 'Grüße “quotes” 日本 €', 'UTF-8', 'prolog'],
    ['rss2-utf-16le-bom.xml', 'application/rss+xml; charset=iso-8859-1', 'Grüße 日本 €', 'UTF-16LE', 'bom'],
    ['rss2-utf-16be-no-bom.xml', 'text/xml', 'Grüße 日本 €', 'UTF-16BE', 'sniffed'],
    ['rss2-iso-8859-1.xml', 'application/rss+xml', 'Café “News” €', 'windows-1252', 'prolog'],
    ['rss2-windows-1252.xml', 'application/rss+xml; charset=windows-1252', 'Café “News” €', 'windows-1252', 'http'],
    ['rss2-iso-8859-2.xml', 'application/rss+xml', 'Zażółć gęślą jaźń', 'ISO-8859-2', 'prolog'],
    ['rss2-iso-8859-5.xml', 'application/rss+xml', 'Новости дня', 'ISO-8859-5', 'prolog'],
    ['rss2-koi8-r.xml', 'application/rss+xml', 'Новости дня', 'KOI8-R', 'prolog'],
    ['rss2-no-prolog-http-charset-koi8-r.xml', 'application/rss+xml; charset="KOI8-R"', 'Новости дня', 'KOI8-R', 'http'],
    ['rss2-koi8-r.xml', 'application/rss+xml; charset=koi8-r', 'Новости дня', 'KOI8-R', 'http'],
    ['rss2-shift-jis.xml', 'application/rss+xml', '日本語のニュース ①', 'Shift_JIS', 'prolog'],
    ['rss2-gb2312.xml', 'application/rss+xml', '中文新闻', 'GBK', 'prolog'],
    ['rss2-gbk.xml', 'application/rss+xml', '中文新聞 镕', 'GBK', 'prolog'],
    ['rss2-euc-kr.xml', 'application/rss+xml', '한국어 뉴스', 'EUC-KR', 'prolog'],
  ])('%s served as %s', async (file, contentType, expected, encoding, encodingSource) => {
    const bytes = fixture(file);
    const { base } = await serve((_req, res) => res.writeHead(200, { 'Content-Type': contentType }).end(bytes));
    const doc = await fetchSource({ id: 's', url: `${base}/feed` }, { timeoutMs: 5_000, maxBytes: 100_000, userAgent: 't' });
    const decoded = decodeBytes(doc.body, { contentType: doc.headers['content-type']!, ...(doc.contentTypeCharset ? { contentTypeCharset: doc.contentTypeCharset } : {}) });
    expect(title(decoded.text)).toBe(expected);
    expect(decoded).toMatchObject({ encoding, encodingSource });
  });
});
