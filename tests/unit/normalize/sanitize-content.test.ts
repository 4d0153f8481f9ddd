import { describe, expect, it } from 'vitest';
import {
  sanitizeContent,
  sanitizeContentWithText,
  sanitizeParsed,
  sanitizeStyle,
} from '../../../src/normalize/sanitize-content.js';
import { htmlToText } from '../../../src/normalize/html-to-text.js';
import { escapeHtml, textToHtml } from '../../../src/normalize/text-to-html.js';

const BASE = 'https://news.example.org/2015/03/story.html';

describe('sanitizeContent', () => {
  const cases: [name: string, html: string, want: string][] = [
    [
      'formatting kept',
      '<p>A <strong>b</strong> <em>c</em> <code>d</code></p>',
      '<p>A <strong>b</strong> <em>c</em> <code>d</code></p>',
    ],
    ['script removed with its content', '<p>a</p><script>alert(1)</script><p>b</p>', '<p>a</p><p>b</p>'],
    ['style element removed with its content', '<style>p{display:none}</style><p>x</p>', '<p>x</p>'],
    ['style attribute kept through the CSS filter', '<p style="color:red">x</p>', '<p style="color: red;">x</p>'],
    [
      'style with url() or expression() reduced to its safe declarations',
      '<p style="color: red; background: url(javascript:x)">x</p><p style="width: expression(alert(1))">y</p>',
      '<p style="color: red;">x</p><p>y</p>',
    ],
    ['onclick removed', '<p onclick="steal()">x</p>', '<p>x</p>'],
    [
      'onerror removed from img',
      `<img src="https://i.example/a.png" onerror="steal()">`,
      '<img src="https://i.example/a.png" />',
    ],
    ['javascript: href removed', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['obfuscated javascript: href removed', '<a href="  JaVaScRiPt:alert(1)">x</a>', '<a>x</a>'],
    ['entity-encoded javascript: href removed', '<a href="&#106;avascript:alert(1)">x</a>', '<a>x</a>'],
    [
      'vbscript: and data: hrefs removed',
      '<a href="vbscript:x">v</a><a href="data:text/html,x">d</a>',
      '<a>v</a><a>d</a>',
    ],
    [
      'http, https and mailto hrefs kept',
      '<a href="http://a.example/">1</a><a href="mailto:ed@example.org">2</a>',
      '<a href="http://a.example/">1</a><a href="mailto:ed@example.org">2</a>',
    ],
    [
      'relative href resolved',
      '<a href="../other.html">o</a>',
      '<a href="https://news.example.org/2015/other.html">o</a>',
    ],
    [
      'fragment href resolved against the article',
      '<a href="#fn1">1</a>',
      '<a href="https://news.example.org/2015/03/story.html#fn1">1</a>',
    ],
    [
      'relative img src resolved (attributes sorted, as feedparser writes them)',
      '<img src="/img/a.png" alt="A">',
      '<img alt="A" src="https://news.example.org/img/a.png" />',
    ],
    [
      'protocol-relative src resolved',
      '<img src="//cdn.example.net/a.png">',
      '<img src="https://cdn.example.net/a.png" />',
    ],
    [
      'data:image kept on img',
      '<img src="data:image/png;base64,iVBORw0KGgo=">',
      '<img src="data:image/png;base64,iVBORw0KGgo=" />',
    ],
    [
      'data: non-image removed from img (and the empty img dropped)',
      '<p><img src="data:text/html;base64,PHNjcmlwdD4="></p>',
      '<p></p>',
    ],
    ['data:image not allowed on links', '<a href="data:image/png;base64,AAAA">x</a>', '<a>x</a>'],
    ['javascript: img src dropped with the img', '<p><img src="javascript:alert(1)">t</p>', '<p>t</p>'],
    [
      'iframe, object, embed, form removed (their text kept, as feedparser does)',
      '<iframe src="https://evil.example/"></iframe><object data="x">alt</object><embed src="y"><form action="z"><input name="q"></form>',
      'alt<input name="q" />',
    ],
    ['applet removed with its text', '<p>a<applet code="x.class">applet text</applet>b</p>', '<p>ab</p>'],
    ['unknown tag unwrapped, text kept', '<custom-el>kept</custom-el> <blink>red</blink>', 'kept red'],
    ['feedparser-acceptable presentational tag kept', '<font color="red">red</font>', '<font color="red">red</font>'],
    ['empty acceptable attribute kept with its empty value', '<span abbr="">x</span>', '<span abbr="">x</span>'],
    [
      'javascript: in any URL attribute removed',
      '<span background="javascript:x" dynsrc="vbscript:y">z</span>',
      '<span>z</span>',
    ],
    ['class and id attributes kept', '<p class="x" id="y">t</p>', '<p class="x" id="y">t</p>'],
    ['unknown attributes removed', '<p data-x="1" foo="bar">t</p>', '<p>t</p>'],
    [
      'table markup kept',
      '<table><tr><td colspan="2">c</td></tr></table>',
      '<table><tr><td colspan="2">c</td></tr></table>',
    ],
    [
      'figure kept',
      '<figure><img src="https://i.example/a.png" alt=""><figcaption>Cap</figcaption></figure>',
      '<figure><img alt="" src="https://i.example/a.png" /><figcaption>Cap</figcaption></figure>',
    ],
    ['text is escaped', '<p>5 &lt; 6 &amp; 7</p>', '<p>5 &lt; 6 &amp; 7</p>'],
    ['CDATA-wrapped markup survives', '<![CDATA[<p>hi</p>]]>', '<p>hi</p>'],
  ];

  it.each(cases)('%s', (_name, html, want) => {
    expect(sanitizeContent(html, BASE)).toBe(want);
  });

  const svgCases: [name: string, html: string, want: string][] = [
    [
      'inline SVG kept, camelCase restored, namespace declared',
      '<svg viewbox="0 0 2 2"><linearGradient id="g"></linearGradient><circle r="1"/></svg>',
      '<svg viewBox="0 0 2 2" xmlns="http://www.w3.org/2000/svg"><linearGradient id="g"></linearGradient><circle r="1"></circle></svg>',
    ],
    [
      'SVG link: xlink:href kept with the xlink namespace',
      '<svg><a xlink:href="https://example.com/"><text>t</text></a></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><a xlink:href="https://example.com/" xmlns:xlink="http://www.w3.org/1999/xlink"><text>t</text></a></svg>',
    ],
    [
      'SVG link: javascript: xlink:href removed',
      '<svg><a xlink:href="javascript:alert(1)">t</a></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><a>t</a></svg>',
    ],
    [
      'use of another document removed, a fragment kept',
      '<svg><use xlink:href="https://evil.example/s.svg#x"/><use xlink:href="#x"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><use></use><use xlink:href="#x" xmlns:xlink="http://www.w3.org/1999/xlink"></use></svg>',
    ],
    [
      'foreignObject removed, script inside dropped',
      '<svg><foreignObject><script>alert(1)</script>x</foreignObject></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg">x</svg>',
    ],
    [
      'set/animate of href or a handler removed, of a presentation attribute kept',
      '<svg><a><set attributeName="xlink:href" to="javascript:x"/><animate attributeName="onclick" to="x"/><animate attributeName="fill" to="red"/></a></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="fill" to="red"></animate></a></svg>',
    ],
    [
      'SVG event handler and style element removed',
      '<svg onload="alert(1)"><style>*{}</style><rect onclick="x" width="1"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"></rect></svg>',
    ],
    ['SVG element outside <svg> unwrapped', '<circle r="1">t</circle>', 't'],
    [
      'MathML kept with its namespace',
      '<math><mi>a</mi><mo>+</mo></math>',
      '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>a</mi><mo>+</mo></math>',
    ],
  ];

  it.each(svgCases)('SVG/MathML: %s', (_name, html, want) => {
    expect(sanitizeContent(html, BASE)).toBe(want);
  });

  it('drops relative URLs it cannot resolve (no base)', () => {
    expect(sanitizeContent('<a href="/x">x</a><img src="y.png"><a href="https://ok.example/">ok</a>')).toBe(
      '<a>x</a><a href="https://ok.example/">ok</a>',
    );
  });
});

describe('sanitizeParsed', () => {
  it('escapes a text construct instead of interpreting it', () => {
    expect(sanitizeParsed({ type: 'text', value: 'Use <script>alert(1)</script> & co' })).toBe(
      '<p>Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>',
    );
  });

  it('sanitises an html construct', () => {
    expect(sanitizeParsed({ type: 'html', value: '<p onclick="x">a <img src="b.png"></p>' }, BASE)).toBe(
      '<p>a <img src="https://news.example.org/2015/03/b.png" /></p>',
    );
  });

  it('returns an empty string for undefined', () => {
    expect(sanitizeParsed(undefined)).toBe('');
  });
});

describe('textToHtml', () => {
  it.each([
    ['one line', 'a & b', '<p>a &amp; b</p>'],
    ['paragraphs and line breaks', 'one\ntwo\n\nthree', '<p>one<br>two</p><p>three</p>'],
    ['quotes escaped', `"it's"`, '<p>&quot;it&#39;s&quot;</p>'],
    ['blank', '  \n\n ', ''],
  ])('%s', (_name, text, want) => {
    expect(textToHtml(text)).toBe(want);
  });

  it('escapeHtml escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('sanitizeStyle (feedparser CSS filter)', () => {
  it.each([
    ['acceptable property kept, reformatted', 'color:red', 'color: red;'],
    ['unknown property dropped', 'position: absolute; color: red', 'color: red;'],
    ['margin with acceptable keywords kept', 'margin: 0 auto', 'margin: 0 auto;'],
    ['border with a non-keyword value dropped', 'border: thick groove', ''],
    ['url() removed', 'background-color: red; background-image: url(http://x.example/a.png)', 'background-color: red;'],
    ['expression() fails the gauntlet', 'width: expression(alert(1))', ''],
    ['backslash escapes fail the gauntlet', 'color: \\72 ed', ''],
    ['comments fail the gauntlet', 'color: red /* x */', ''],
  ])('%s', (_name, style, want) => {
    expect(sanitizeStyle(style)).toBe(want);
  });
});

describe('sanitizeContentWithText', () => {
  // One parse for both: the html must be sanitizeContent's and the text htmlToText's, whatever the markup.
  it.each([
    ['paragraphs and entities', '<p>Tom &amp; Jerry &lt;3</p><p>&eacute;t&eacute;&nbsp;&hellip; <b>bold</b></p>'],
    [
      'disallowed tags keep their text, scripts and styles do not',
      '<div><script>alert(1)</script><style>p{}</style><custom>kept</custom> <form>form text</form></div>',
    ],
    [
      'skipped elements',
      '<p>a<noscript>ns</noscript><svg><text>svg</text></svg><math><mi>x</mi></math><select><option>o</option></select><textarea>t</textarea><iframe>if</iframe><object>ob</object><applet>ap</applet>b</p>',
    ],
    [
      'blocks separate words, inline does not',
      '<ul><li>one</li><li>two</li></ul>in<i>line</i><br>next<img src="/x.png">after',
    ],
    [
      'broken markup',
      '<p>open <b>bold <i>both</p> after </b> tail &amp &copy 2015 <!-- c --> <![CDATA[<em>cdata</em>]]>',
    ],
    ['escaped text stays literal', '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;</p>'],
    [
      'links and images resolved',
      '<a href="/rel?utm_source=x">link</a> <img src="javascript:alert(1)"> <img src="data:image/png;base64,AA==">',
    ],
  ])('%s', (_name, html) => {
    expect(sanitizeContentWithText(html, BASE)).toEqual({ html: sanitizeContent(html, BASE), text: htmlToText(html) });
  });
});
