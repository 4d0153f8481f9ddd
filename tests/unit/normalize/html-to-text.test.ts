import { describe, expect, it } from 'vitest';
import {
  BLOCK_TEXT_ELEMENTS,
  collapseWhitespace,
  decodeEntities,
  htmlToText,
  SKIPPED_TEXT_ELEMENTS,
  textFromParsed,
  unwrapCdata,
} from '../../../src/normalize/html-to-text.js';
import type { ParsedText } from '../../../src/model.js';
import { Parser } from 'htmlparser2';

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
    ['<title> text is decoded', '<title>A &amp; B</title>', 'A & B'],
    ['<xmp> is raw text: nothing decoded', '<xmp>a &amp; b</xmp> &amp;', 'a &amp; b &'],
    [
      'in <title>, a `&` right after a partial end tag stays (htmlparser2)',
      '<title>x <&amp; </t&amp;</title>',
      'x <&amp; </t&amp;',
    ],
    ['an unfinished bogus comment at the end is handed back as raw text (htmlparser2)', 'a </&amp; b', 'a &amp; b'],
  ];

  it.each(cases)('%s', (_name, html, want) => {
    expect(htmlToText(html)).toBe(want);
  });
});

describe('htmlToText decodes references as htmlparser2 does when it decodes them itself', () => {
  // The reference: the same callbacks with the tokenizer decoding (the code before session 8). htmlToText now decodes
  // each text run with `entities` instead, which is faster; the tokenizer's quirks must stay as they were.
  const reference = (html: string): string => {
    const chunks: string[] = [];
    let skip = 0;
    const skipped = SKIPPED_TEXT_ELEMENTS;
    const blocks = BLOCK_TEXT_ELEMENTS;
    const parser = new Parser(
      {
        onopentag: (name) => (skipped.has(name) ? skip++ : blocks.has(name) && chunks.push('\n')),
        onclosetag: (name) =>
          skipped.has(name) ? (skip = Math.max(0, skip - 1)) : blocks.has(name) && chunks.push('\n'),
        ontext: (text) => skip === 0 && chunks.push(text),
      },
      { decodeEntities: true, lowerCaseTags: true },
    );
    parser.write(unwrapCdata(html));
    parser.end();
    return collapseWhitespace(chunks.join(''));
  };
  const atoms = [
    '&amp;',
    '&amp',
    '&ampx',
    '&lt;',
    '&gt',
    '&#39;',
    '&#x27;',
    '&#1234567;',
    '&#;',
    '&notin;',
    '&notit;',
    '&not',
    '&nbsp;',
    '&Bogus;',
    '&',
    '&#0;',
    '&#128;',
    '&#xD800;',
    '&#65',
    '&eacutex',
    '<p>',
    '</p>',
    '<br>',
    '</br>',
    '<xmp>',
    '</xmp>',
    '<title>',
    '</title>',
    '</t',
    '</title',
    '<TITLE>',
    '<textarea>',
    '</textarea>',
    '<script>',
    '</script>',
    '<svg>',
    '</svg>',
    '<b>',
    '</b>',
    '<li>',
    '<td>',
    '<select>',
    '<input>',
    '<!-- c -->',
    '<!--',
    '<!',
    '<?pi?>',
    '<?',
    '<a href="&amp;">',
    '<a',
    '</a',
    '</',
    '<',
    '>',
    'word',
    ' ',
    '\n',
    '\u00a0',
    '’',
    '<![CDATA[',
  ];
  it('on 20,000 random fragments of entities, tags and unfinished markup', () => {
    let seed = 42;
    const pick = (k: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % k;
    };
    const differ: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let html = '';
      for (let n = 1 + pick(12); n > 0; n--) html += atoms[pick(atoms.length)];
      if (htmlToText(html) !== reference(html)) differ.push(html);
    }
    expect(differ.slice(0, 5)).toEqual([]);
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

  it('collapseWhitespace reads every UTF-16 code unit as \\s and trim do (alone, doubled, at the ends)', () => {
    const differ: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const u = String.fromCharCode(c);
      for (const text of [`a${u}b`, `a${u}${u}b`, `${u}a${u}`, `a ${u}`])
        if (collapseWhitespace(text) !== text.replace(/\s+/g, ' ').trim()) differ.push(c.toString(16));
    }
    expect(differ).toEqual([]);
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
