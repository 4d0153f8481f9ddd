import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/lib/errors.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';
import { repairXml } from '../../../src/parse/xml/repair-xml.js';

// Issue #6: a feed the strict parser rejects is re-read leniently; what can be recovered is, and says so.
describe('parseFeed: lenient fallback for malformed feeds', () => {
  it.each([
    ['a stray < in text', '<rss version="2.0"><channel><title>a < b</title><item><title>one</title></item><item><title>two</title></item></channel></rss>', 2],
    ['a file truncated inside an item', '<rss version="2.0"><channel><title>T</title><item><title>one</title></item><item><title>tw', 2],
    ['a mismatched end tag', '<rss version="2.0"><channel><title>T</title><item><title>one</b><link>https://x.example/1</link></item><item><title>two</title></item></channel></rss>', 2],
    ['Atom truncated inside an element', '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>a', 1],
    ['a stray end tag that would empty the channel', '<rss version="2.0"><channel></b><item><title>a</title></item></channel></rss>', 1],
    ['junk before the prolog', 'Warning: headers already sent\n<?xml version="1.0"?><rss version="2.0"><channel><item><title>a</title></item></channel></rss>', 1],
  ])('%s → recovered, %i entries', (_label, text, count) => {
    const feed = parseFeed(text);
    expect(feed.recovered).toBe(true);
    expect(feed.entries).toHaveLength(count);
  });

  it('keeps the fields of a recovered entry', () => {
    const feed = parseFeed('<rss version="2.0"><channel><title>T</title><item><title>one</b><link>https://x.example/1</link></item></channel></rss>');
    expect(feed.title).toBe('T');
    expect(feed.entries[0]?.title).toStrictEqual({ value: 'one', type: 'html' });
    expect(feed.entries[0]?.links).toStrictEqual([{ href: 'https://x.example/1', rel: 'alternate' }]);
  });

  it('leaves well-formed feeds unmarked', () => {
    expect(parseFeed('<rss version="2.0"><channel><item><title>a</title></item></channel></rss>').recovered).toBeUndefined();
  });

  it.each([
    ['an HTML page', '<!doctype html><html><body><p>a < b</p></body></html>', 'parse/not-a-feed'],
    ['an error page', '<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>', 'parse/not-a-feed'],
    ['empty bytes', '', 'parse/empty'],
    ['a truncated root with nothing in it', '<rss version="2.0"><channel><ttl>5', 'parse/malformed'],
  ])('%s stays an error (%s), never an empty success', (_label, text, code) => {
    expect(() => parseFeed(text)).toThrow(ParseError);
    try {
      parseFeed(text);
    } catch (error) {
      expect(error).toMatchObject({ code });
    }
  });
});

describe('repairXml', () => {
  it.each([
    ['escapes a stray <', '<r><t>a < b</t></r>', '<r><t>a &lt; b</t></r>'],
    ['closes what a truncated file left open', '<r><i><t>x', '<r><i><t>x</t></i></r>'],
    ['ignores an end tag with no open element', '<r><t>x</b></t></r>', '<r><t>x</t></r>'],
    ['closes a text element when a sibling starts', '<r><item><title>x<link>y</link></item></r>', '<r><item><title>x</title><link>y</link></item></r>'],
    ['keeps CDATA', '<r><d><![CDATA[<p>a]]></d></r>', '<r><d><![CDATA[<p>a]]></d></r>'],
    ['drops the DOCTYPE, comments and text after the root', '<!DOCTYPE r><r><!-- c --><t>x</t></r>junk<z/>', '<r><t>x</t></r>'],
    ['keeps an undeclared entity as text', '<r><t>&nbsp;&amp;&#65;</t></r>', '<r><t>&amp;nbsp;&amp;A</t></r>'],
  ])('%s', (_label, input, expected) => {
    expect(repairXml(input)).toBe(expected);
  });
});
