import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../src/parse/parse-feed.js';

// Issue #6: no entity is expanded beyond XML's five and numeric character references (plus the HTML names
// feedsmith decodes in text): a DTD's own entities — billion laughs, external SYSTEM entities — do nothing.
const laughs = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE rss [',
  '  <!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
  ']>',
  '<rss version="2.0"><channel><title>&lol9;</title><item><title>a &lol9; b</title><description>&lol9;</description></item></channel></rss>',
].join('\n');

describe('parseFeed: entity hardening', () => {
  it('does not expand billion-laughs entities', () => {
    const feed = parseFeed(laughs);
    expect(feed.title).toBe('&lol9;');
    expect(feed.entries[0]?.title?.value).toBe('a &lol9; b');
    expect(JSON.stringify(feed)).not.toContain('lollol');
  });

  it('does not read external entities', () => {
    const text =
      '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://127.0.0.1:1/x">]>' +
      '<rss version="2.0"><channel><title>&xxe;</title><item><title>&remote;</title><description>&xxe;</description></item></channel></rss>';
    const feed = parseFeed(text);
    expect(feed.title).toBe('&xxe;');
    expect(feed.entries[0]?.title?.value).toBe('&remote;');
    expect(JSON.stringify(feed)).not.toContain('root:');
  });

  it('does not expand an internal entity in the lenient path either', () => {
    const feed = parseFeed(
      '<!DOCTYPE rss [<!ENTITY e "EXPANDED">]><rss version="2.0"><channel><title>a < &e;</title><item><title>&e;</title></item></channel></rss>',
    );
    expect(feed.recovered).toBe(true);
    expect(JSON.stringify(feed)).not.toContain('EXPANDED');
  });

  it('still decodes the five XML entities and numeric references', () => {
    const feed = parseFeed(
      '<rss version="2.0"><channel><title>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;</title></channel></rss>',
    );
    expect(feed.title).toBe('<>&"\'AB');
  });
});
