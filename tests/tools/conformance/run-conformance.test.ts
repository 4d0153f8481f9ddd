import { describe, expect, it } from 'vitest';
import { deliberateReason, judgeCase, readCase, runDocument } from '../../../tools/conformance/run-conformance.js';

const header = '<!--\nDescription: d\nExpect:      not bozo\n-->\n';

describe('readCase', () => {
  it('marks a CDF document (root <CHANNEL>) so its assertions are not applicable', () => {
    expect(readCase('x.xml', new TextEncoder().encode(`${header}<CHANNEL HREF="http://x.example/"><TITLE>t</TITLE></CHANNEL>`)).cdf).toBe(true);
  });

  it('does not mark an RSS channel as CDF', () => {
    expect(readCase('x.xml', new TextEncoder().encode(`${header}<rss version="2.0"><channel/></rss>`)).cdf).toBe(false);
  });
});

describe('deliberateReason', () => {
  it('gives the reason for a listed difference and nothing for others', () => {
    expect(deliberateReason('encoding/http_text_xml_default.xml')).toMatch(/RFC 7303/);
    expect(deliberateReason('wellformed/atom10/entry_title.xml')).toBeUndefined();
  });
});

describe('judgeCase: feedparser names mapped onto the model', () => {
  const judge = (xml: string, expect: string): string => {
    const bytes = new TextEncoder().encode(xml);
    const corpusCase = { ...readCase('t.xml', bytes), expect };
    return judgeCase(corpusCase, runDocument(bytes, corpusCase, 'wellformed/t.xml').result).outcome;
  };

  it('maps RSS versions to feedparser codes (2.x is rss20, 0.91 of either dialect is rss091)', () => {
    expect(judge('<rss version="2.01"><channel><title>a</title></channel></rss>', "version == 'rss20'")).toBe('passed');
    expect(judge('<rss version="0.91"><channel><title>a</title></channel></rss>', "version == 'rss091u'")).toBe('passed');
  });

  it("answers an entry's updated with its published date when it has no update date, as FeedParserDict does", () => {
    const xml = '<rss version="2.0"><channel><item><title>a</title><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate></item></channel></rss>';
    expect(judge(xml, "entries[0]['updated'] == 'Thu, 01 Jan 2004 19:48:21 GMT'")).toBe('passed');
  });

  it('compares the feed subtitle as plain text', () => {
    expect(judge('<rss version="2.0"><channel><description>A &lt;b&gt;bold&lt;/b&gt; desk</description></channel></rss>', "feed['description'] == 'A <b>bold</b> desk'")).toBe('passed');
  });
});
