import { describe, expect, it } from 'vitest';
import { unsafeHtml } from '../../../tools/conformance/unsafe-markup.js';

describe('unsafeHtml: inline SVG', () => {
  it.each([
    ['foreignObject', '<svg><foreignObject><p>x</p></foreignObject></svg>'],
    ['use of another document', '<svg><use xlink:href="https://evil.example/s.svg#a"></use></svg>'],
    ['animation of href', '<svg><set attributeName="xlink:href" to="https://x.example/"></set></svg>'],
    ['animation of a handler', '<svg><animate attributeName="onclick" to="x"></animate></svg>'],
    ['javascript: xlink:href', '<svg><a xlink:href="javascript:alert(1)">x</a></svg>'],
  ])('flags %s', (_name, html) => {
    expect(unsafeHtml(html)).not.toEqual([]);
  });

  it('accepts plain shapes, a fragment <use> and a presentation animation', () => {
    expect(unsafeHtml('<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"></circle><use xlink:href="#a"></use><animate attributeName="fill" to="red"></animate></svg>')).toEqual([]);
  });
});
