import { describe, expect, it } from 'vitest';
import { sanitizeContent, sanitizeParsed } from '../../../src/normalize/sanitize-content.js';
import { escapeHtml, textToHtml } from '../../../src/normalize/text-to-html.js';

const BASE = 'https://news.example.org/2015/03/story.html';

describe('sanitizeContent', () => {
  const cases: [name: string, html: string, want: string][] = [
    ['formatting kept', '<p>A <strong>b</strong> <em>c</em> <code>d</code></p>', '<p>A <strong>b</strong> <em>c</em> <code>d</code></p>'],
    ['script removed with its content', '<p>a</p><script>alert(1)</script><p>b</p>', '<p>a</p><p>b</p>'],
    ['style element removed with its content', '<style>p{display:none}</style><p>x</p>', '<p>x</p>'],
    ['style attribute removed', '<p style="color:red">x</p>', '<p>x</p>'],
    ['onclick removed', '<p onclick="steal()">x</p>', '<p>x</p>'],
    ['onerror removed from img', `<img src="https://i.example/a.png" onerror="steal()">`, '<img src="https://i.example/a.png" />'],
    ['javascript: href removed', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['obfuscated javascript: href removed', '<a href="  JaVaScRiPt:alert(1)">x</a>', '<a>x</a>'],
    ['entity-encoded javascript: href removed', '<a href="&#106;avascript:alert(1)">x</a>', '<a>x</a>'],
    ['vbscript: and data: hrefs removed', '<a href="vbscript:x">v</a><a href="data:text/html,x">d</a>', '<a>v</a><a>d</a>'],
    ['http, https and mailto hrefs kept', '<a href="http://a.example/">1</a><a href="mailto:ed@example.org">2</a>', '<a href="http://a.example/">1</a><a href="mailto:ed@example.org">2</a>'],
    ['relative href resolved', '<a href="../other.html">o</a>', '<a href="https://news.example.org/2015/other.html">o</a>'],
    ['fragment href resolved against the article', '<a href="#fn1">1</a>', '<a href="https://news.example.org/2015/03/story.html#fn1">1</a>'],
    ['relative img src resolved', '<img src="/img/a.png" alt="A">', '<img src="https://news.example.org/img/a.png" alt="A" />'],
    ['protocol-relative src resolved', '<img src="//cdn.example.net/a.png">', '<img src="https://cdn.example.net/a.png" />'],
    ['data:image kept on img', '<img src="data:image/png;base64,iVBORw0KGgo=">', '<img src="data:image/png;base64,iVBORw0KGgo=" />'],
    ['data: non-image removed from img (and the empty img dropped)', '<p><img src="data:text/html;base64,PHNjcmlwdD4="></p>', '<p></p>'],
    ['data:image not allowed on links', '<a href="data:image/png;base64,AAAA">x</a>', '<a>x</a>'],
    ['javascript: img src dropped with the img', '<p><img src="javascript:alert(1)">t</p>', '<p>t</p>'],
    ['iframe, object, embed, form removed', '<iframe src="https://evil.example/"></iframe><object data="x"></object><embed src="y"><form action="z"><input name="q"></form>', ''],
    ['unknown tag unwrapped, text kept', '<custom-el>kept</custom-el> <font color="red">red</font>', 'kept red'],
    ['class and id attributes removed', '<p class="x" id="y">t</p>', '<p>t</p>'],
    ['table markup kept', '<table><tr><td colspan="2">c</td></tr></table>', '<table><tr><td colspan="2">c</td></tr></table>'],
    ['figure kept', '<figure><img src="https://i.example/a.png" alt=""><figcaption>Cap</figcaption></figure>', '<figure><img src="https://i.example/a.png" alt="" /><figcaption>Cap</figcaption></figure>'],
    ['text is escaped', '<p>5 &lt; 6 &amp; 7</p>', '<p>5 &lt; 6 &amp; 7</p>'],
    ['CDATA-wrapped markup survives', '<![CDATA[<p>hi</p>]]>', '<p>hi</p>'],
  ];

  it.each(cases)('%s', (_name, html, want) => {
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
