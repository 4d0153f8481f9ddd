import { describe, expect, it } from 'vitest';
import { deliberateReason, readCase } from '../../../src/conformance/run-conformance.js';

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
