import { describe, expect, it } from 'vitest';
import {
  collapseWhitespace,
  decodeEntities,
  htmlToText,
  textFromParsed,
  unwrapCdata,
} from '../../../src/normalize/html-to-text.js';
import type { ParsedText } from '../../../src/model.js';

describe('htmlToText', () => {
  const cases: [name: string, html: string, want: string][] = [
    ['plain text passes through', 'Hello world', 'Hello world'],
    [
      'named entities',
      'Tom &amp; Jerry &lt;3 &quot;cheese&quot; &eacute;t&eacute; &hellip;',
      'Tom & Jerry <3 "cheese" été …',
    ],
    ['numeric entities', '&#8220;Quoted&#8221; &#x2014; &#39;s', "\u201cQuoted\u201d \u2014 's"],
    ['entity without semicolon (HTML legacy)', 'AT&ampT &copy 2015', 'AT&T © 2015'],
    ['nbsp collapses like a space', 'a&nbsp;&nbsp; b', 'a b'],
    ['nested inline tags join without spaces', '<p>Un<b>bel<i>iev</i>able</b></p>', 'Unbelievable'],
    ['block elements separate words', '<p>One</p><p>Two</p><div>Three</div><h2>Four</h2>', 'One Two Three Four'],
    ['br separates words', 'line<br>break<br/>again', 'line break again'],
    ['list items separate words', '<ul><li>a</li><li>b</li></ul>', 'a b'],
    ['table cells separate words', '<table><tr><td>x</td><td>y</td></tr></table>', 'x y'],
    ['script content removed', 'before<script>var x = "<p>no</p>";</script>after', 'beforeafter'],
    ['style content removed', '<style>p { color: red }</style><p>text</p>', 'text'],
    ['noscript and template removed', '<noscript>enable js</noscript><template>t</template>ok', 'ok'],
    ['comments removed', 'a<!-- hidden -->b', 'ab'],
    ['CDATA wrapper kept as markup', '<![CDATA[<p>Inside</p><p>CDATA</p>]]>', 'Inside CDATA'],
    ['whitespace and newlines collapsed, trimmed', '\n  <p>  lots   of\n\n space </p>  \n', 'lots of space'],
    ['attributes never leak into text', '<a href="http://x" title="t">link</a> <img src="a.png" alt="alt">', 'link'],
    ['unclosed tags', '<p>open <b>bold', 'open bold'],
    ['a lone < is text', 'a < b and c > d', 'a < b and c > d'],
    ['empty', '', ''],
  ];

  it.each(cases)('%s', (_name, html, want) => {
    expect(htmlToText(html)).toBe(want);
  });
});

describe('textFromParsed', () => {
  const make = (value: string, type: ParsedText['type']): ParsedText => ({ value, type });

  it.each([
    ['undefined', undefined, ''],
    ['text: markup is literal, not stripped', make('Use <b> for bold', 'text'), 'Use <b> for bold'],
    ['text: double-escaped entities decoded', make('AT&amp;T &lt;3', 'text'), 'AT&T <3'],
    ['text: whitespace collapsed', make('  two\n lines ', 'text'), 'two lines'],
    [
      'text decoded from base64 (verbatim): entities are literal',
      { value: 'History of &lt;blink&gt;', type: 'text', verbatim: true },
      'History of &lt;blink&gt;',
    ],
    ['html: tags stripped', make('<p>Hello <em>there</em></p>', 'html'), 'Hello there'],
    ['html: escaped markup after XML decoding', make('Fish &amp; <b>Chips</b>', 'html'), 'Fish & Chips'],
    ['xhtml: tags stripped', make('<div xmlns="http://www.w3.org/1999/xhtml"><p>X</p></div>', 'xhtml'), 'X'],
  ] as const)('%s', (_name, text, want) => {
    expect(textFromParsed(text)).toBe(want);
  });
});

describe('helpers', () => {
  it('collapseWhitespace collapses every kind of space', () => {
    expect(collapseWhitespace('\t a\u00a0\u2003b\r\n c ')).toBe('a b c');
  });

  it('collapseWhitespace equals replacing every \\s+ run by one space (it skips lone spaces only)', () => {
    const spaces = [' ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff', 'x', 'yz'];
    // Every string of up to 4 pieces from `spaces`: lone and repeated spaces of each kind, between words and at the
    // ends.
    let strings = [''];
    for (let n = 0; n < 4; n++) strings = strings.flatMap((s) => spaces.map((p) => s + p));
    for (const text of strings)
      expect(collapseWhitespace(text), JSON.stringify(text)).toBe(text.replace(/\s+/g, ' ').trim());
  });

  it.each([
    ['named, numeric and hex references', 'a &amp; b &#8217; &#x2014; &eacute;', 'a & b \u2019 \u2014 é'],
    ['markup stays literal', '<b>x</b> &lt;i&gt;', '<b>x</b> <i>'],
    ['no ampersand, unchanged', '  spaced  ', '  spaced  '],
    ['a bare ampersand stays', 'R & D', 'R & D'],
  ])('decodeEntities: %s', (_name, text, want) => {
    expect(decodeEntities(text)).toBe(want);
  });

  it('unwrapCdata keeps the content of every section', () => {
    expect(unwrapCdata('<![CDATA[a]]> and <![CDATA[<b>b</b>]]>')).toBe('a and <b>b</b>');
  });
});

describe('htmlToText on markup nested past the depth limit (issue #15)', () => {
  it('gives the same words without parsing the nesting (htmlparser2 is quadratic in it)', () => {
    const deep = `<p>Lead &amp; more</p>${'<div>'.repeat(300)}deep <b>words</b>${'</div>'.repeat(300)}<p>end</p>`;
    expect(htmlToText(deep, 256)).toBe('Lead & more deep words end');
    // Within the limit the parser reads it, with the same text.
    expect(htmlToText(deep, 400)).toBe('Lead & more deep words end');
  });

  it('drops tags in one pass even with unclosed `<`s, and keeps a lone `<` as text', () => {
    const deep = `${'<i>'.repeat(300)}a < b${'<'.repeat(50_000)}`;
    expect(htmlToText(deep, 256)).toBe(`a < b${'<'.repeat(50_000)}`);
  });

  it('void elements do not count as nesting: 1,000 <br> in one paragraph are parsed (a script still skipped)', () => {
    const html = `<p>${'line<br>'.repeat(1000)}<script>hidden()</script></p>`;
    // The one-pass fallback would keep the script's text; the parser skips it.
    expect(htmlToText(html, 256)).toBe(Array.from({ length: 1000 }, () => 'line').join(' '));
  });
});
