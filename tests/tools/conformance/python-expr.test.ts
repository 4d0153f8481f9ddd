import { describe, expect, it } from 'vitest';
import { Unsupported, evaluate, parseExpr, type ExprView, type PathValue } from '../../../tools/conformance/python-expr.js';

// A view over a plain object shaped like feedparser's result, with exact equality.
function view(data: { feed: Record<string, unknown>; entries: unknown[]; bozo: boolean }): ExprView {
  const get = (path: PathValue): unknown =>
    path.segments.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], data);
  return {
    name: (name) => {
      if (name === 'bozo') return data.bozo;
      throw new Unsupported(name);
    },
    get,
    equals: (path, expected) => JSON.stringify(get(path)) === JSON.stringify(expected),
  };
}

const result = { feed: { title: 'Example', tags: [{ term: 'a' }, { term: 'b' }] }, entries: [{ title: 'don’t', n: 0 }], bozo: false };

describe('evaluate', () => {
  it.each([
    ["not bozo and feed['title'] == 'Example'", true],
    ["not bozo and feed['title'] == 'Other'", false],
    ["feed['title'] == 'Exa' + 'mple'", true],
    ["entries[0]['title'] == u'don\\u2019t'", true],
    ["len(feed['tags']) == 2 and feed.tags[1].term == 'b'", true],
    ["'xam' in feed['title']", true],
    ["'title' not in entries[0]", false],
    ["entries[0]['n'] == 0 or bozo", true],
    ["ord(entries[0]['title'][3]) == 8217", true],
    ["feed['missing'] == None", false],
    ['bozo', false],
  ])('%s → %s', (expression, expected) => {
    expect(evaluate(parseExpr(expression), view(result))).toBe(expected);
  });

  it('reports forms it does not model as Unsupported', () => {
    expect(() => evaluate(parseExpr("not 'x' in locals()"), view(result))).toThrow(Unsupported);
    expect(() => evaluate(parseExpr("entries[0].get('x') == {}"), view(result))).toThrow(Unsupported);
  });
});
