import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { hasUndeclaredPrefix } from '../../../../src/parse/parse-feed.js';
import { readXmlTreeWithParser } from '../../../../src/parse/xml/read-xml-tree.js';
import { decodeXmlEntities, scanXmlTree } from '../../../../src/parse/xml/scan-xml-tree.js';
import { plainTree as plain } from '../../../support/plain-tree.js';

/** Returns the text htmlparser2 (XML mode) reports inside `<r>…</r>`, as read-xml-tree.ts collects it. */
function parserText(text: string): string {
  let out = '';
  const parser = new Parser({ ontext: (chunk) => void (out += chunk) }, { xmlMode: true, decodeEntities: true, recognizeCDATA: true });
  parser.end(`<r>${text}</r>`);
  return out;
}

describe('scanXmlTree builds the tree htmlparser2 builds', () => {
  it.each([
    ['an RSS item', '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title><item><title>A &amp; B</title><link>http://x.example/?a=1&amp;b=2</link></item></channel></rss>'],
    ['CDATA next to text, an entity at a run end', '<r><e>a &amp<![CDATA[ <b>x</b> &amp; ]]]>b&#8217;c&lt;</e></r>'],
    ['attributes: both quotes, entities, spaces around =, a duplicate (the first wins)', `<r a = "1 &quot;x&quot;" b='&#x26;&#128;&#0;' a="2"><e/></r>`],
    ['namespaces: default, prefixed, redeclared, undeclared, well-known', '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:m="http://search.yahoo.com/mrss/"><m:title>x</m:title><e xmlns:m="urn:other"><m:title/></e><dc:creator>c</dc:creator><foo:bar/></feed>'],
    ['a blank xml:lang and xml:base', '<rss><channel xml:lang=""><item xml:lang="fr" xml:base="http://b.example/"><title>t</title></item></channel></rss>'],
    ['comments, processing instructions, a declaration and text outside the root', 'junk &bogus; <?xml-stylesheet href="s.xsl"?><!-- c --><r><!-- a > b --><?pi x?><e>1</e><!DOCTYPE x></r>tail <x/>'],
    ['self-closing elements', '<r><a/><b x="1"/><c></c><d>\n</d></r>'],
    ['names with dots, dashes, digits and odd characters', '<r><a.b-c>1</a.b-c><x1:y-2>2</x1:y-2><e"q>3</e"q></r>'],
    ['unknown and unterminated entities stay as written', '<r>&nbsp; &amp &#; &#x; &AMP; &ampx; &#xD800; &#1114112; &#99999999999999999999;</r>'],
  ])('%s', (_label, xml) => {
    const scanned = scanXmlTree(xml);
    expect(scanned).toBeDefined();
    expect(plain(scanned!.root)).toStrictEqual(plain(readXmlTreeWithParser(xml)));
  });

  it.each([
    ['a mismatched end tag', '<r><a></b></r>'],
    ['a stray end tag', '<r></a></r>'],
    ['an unclosed element (truncated document)', '<r><a>x</a>'],
    ['a truncated tag', '<r><a href="x'],
    ['an unquoted attribute', '<r><a href=x></a></r>'],
    ['an attribute without a value', '<r><a checked></a></r>'],
    ['attributes written together', '<r><a x="1"y="2"></a></r>'],
    ['a `<` in an attribute value', '<r><a title="a<b"></a></r>'],
    ['a `<` that starts no markup', '<r>a < b</r>'],
    ['a short comment htmlparser2 closes early', '<r><!--> x --></r>'],
    ['an unterminated CDATA section', '<r><![CDATA[x</r>'],
    ['junk in an end tag', '<r><a></a junk></r>'],
    ['whitespace in an end tag (htmlparser2 then misplaces the next end tag)', '<r><c></c ></r>'],
    ['a `/` not closing the tag', '<r><a / ></a></r>'],
  ])('gives up on %s (htmlparser2 reads it)', (_label, xml) => {
    expect(scanXmlTree(xml)).toBeUndefined();
  });

  it('reports the prefixes element names use and those xmlns attributes declare', () => {
    const scanned = scanXmlTree('<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><dc:creator>a</dc:creator><media:title>t</media:title><a:1b/></channel></rss>');
    expect([...scanned!.tagPrefixes!].sort()).toEqual(['dc', 'media']);
    expect([...scanned!.declaredPrefixes]).toEqual(['dc']);
  });

  it('does not vouch for prefixes when a comment holds markup (hasUndeclaredPrefix reads the text differently)', () => {
    const xml = '<rss><!-- <x:y> --><channel/></rss>';
    expect(scanXmlTree(xml)!.tagPrefixes).toBeUndefined();
    expect(hasUndeclaredPrefix(xml)).toBe(false);
  });
});

describe('decodeXmlEntities decodes as htmlparser2 does in XML mode', () => {
  it.each([
    'a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;',
    '&#38;&#x26;&#X26;&#0038;',
    '&#128;&#130;&#159;&#129;&#0;&#xD800;&#xDFFF;&#1114111;&#1114112;',
    '&amp &amp;amp; &AMP; &nbsp; &eacute; & ; &#; &#x; &#38 x',
  ])('%s', (text) => {
    expect(decodeXmlEntities(text)).toBe(parserText(text));
  });

  it('agrees with htmlparser2 on every `&` followed by up to four characters of entity syntax', () => {
    const alphabet = ['a', 'm', 'p', 'l', 't', 'q', 'o', ';', '#', 'x', '3', '8', 'F', '&', ' '];
    const strings: string[] = [];
    const extend = (prefix: string, depth: number): void => {
      strings.push(prefix);
      if (depth > 0) for (const c of alphabet) extend(prefix + c, depth - 1);
    };
    extend('&', 4);
    const mismatches = strings.filter((text) => decodeXmlEntities(text) !== parserText(text));
    expect(mismatches).toEqual([]);
  });
});
