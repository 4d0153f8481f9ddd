import { describe, expect, it } from 'vitest';
import { Corpus, profileRow } from '../../../src/cluster/corpus.js';
import { itemTermCounts, scanWords, tokenize, type Token } from '../../../src/cluster/text-features.js';

// The tokeniser is a hand-written scan over character codes; this is the regex it must agree with.
function referenceTokenize(text: string, limit = Infinity): Token[] {
  const out: Token[] = [];
  let prevEnd = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’]*/gu)) {
    if (out.length >= limit) break;
    const raw = m[0];
    const start = m.index;
    let initial = out.length === 0;
    if (!initial) {
      for (let i = start - 1; i >= prevEnd; i--) {
        const ch = text[i]!;
        if (ch === ' ' || ch === '\t' || ch === "'" || ch === '‘' || ch === '(') continue;
        initial = /[.!?:;"“”|\n\u2014\u2013]/u.test(ch);
        break;
      }
    }
    prevEnd = start + raw.length;
    const word = raw
      .toLowerCase()
      .replace(/['’]s$/u, '')
      .replace(/['’]/gu, '');
    if (word.length === 0) continue;
    out.push({ word, capital: /^\p{Lu}/u.test(raw), initial });
  }
  return out;
}

const TRICKY = [
  "Don't stop 'quoted' — O’Brien’s dogs' “Hi” said Ms. Smith; then: Paris.",
  'Ǆemal met İstanbul’s ΣΑΣ team in Zürich (Switzerland). ß',
  'Café vs cafe\u0301, 𝐀lpha 𝟘 and 😀x, 1,000 people on 9/11 | Breaking\nNew line',
  'a\ud800b \udc00c lone surrogates; tab\tSeparated and ‘quoted’ Words',
  '',
  '   ',
  "''' x's s's 's",
];

describe('tokenize', () => {
  it('gives exactly the tokens of the word regex, sentence starts and capitals included', () => {
    for (const text of TRICKY) {
      expect(tokenize(text)).toEqual(referenceTokenize(text));
      expect(tokenize(text, 3)).toEqual(referenceTokenize(text, 3));
    }
  });

  it('gives equal hashes for equal written words and different ones for different words', () => {
    const seen = new Map<string, string>();
    const text = 'Obama obama Obama OBAMA Obama’s x';
    scanWords(text, Infinity, (start, end, _initial, h1, h2) => {
      const raw = text.slice(start, end);
      const key = `${h1}:${h2}`;
      expect(seen.get(key) ?? raw).toBe(raw);
      seen.set(key, raw);
      return true;
    });
    expect(seen.size).toBe(5);
  });
});

describe('Corpus', () => {
  it('counts the same terms, in the same order, as itemTermCounts', () => {
    const items = TRICKY.map((text, i) => ({
      id: `i${i}`,
      title: text.slice(0, 30),
      summary: text,
      contentText: `${text} ${text}`,
    }));
    const corpus = new Corpus();
    corpus.learn(items);
    for (const item of items) {
      const byName = [...corpus.termCounts(item.id)!].map(([id, c]) => [corpus.termName(id), c]);
      expect(byName).toEqual([...itemTermCounts(item)]);
    }
  });

  it('keeps the digests of the items retained as they were, while it forgets others and learns more', () => {
    const items = TRICKY.map((text, i) => ({
      id: `i${i}`,
      title: text.slice(0, 30),
      summary: text,
      contentText: `${text} ${text}`,
    }));
    const corpus = new Corpus();
    corpus.learn(items.slice(0, 4));
    const counts = (id: string) => [...corpus.termCounts(id)!].map(([t, c]) => [corpus.termName(t), c]);
    const before = new Map(['i1', 'i3'].map((id) => [id, counts(id)]));
    corpus.retain(new Set(['i1', 'i3']));
    expect(corpus.has('i0')).toBe(false);
    corpus.learn(items.slice(4));
    corpus.retain(new Set(['i1', 'i3', ...items.slice(4).map((i) => i.id)]));
    for (const [id, c] of before) expect(counts(id)).toEqual(c);
    // Items learned after are counted as a corpus of their own would count them.
    for (const item of items.slice(4)) expect(counts(item.id)).toEqual([...itemTermCounts(item)]);
  });

  it('gives the same profiles in a table as one by one', () => {
    const items = TRICKY.map((text, i) => ({
      id: `i${i}`,
      title: text.slice(0, 30),
      summary: text,
      contentText: `${text} ${text}`,
    }));
    const corpus = new Corpus();
    corpus.learn(items);
    const times = items.map((_, i) => (i % 2 === 0 ? null : 1_000 * i));
    const table = corpus.profileTable(
      items.map((i) => i.id),
      times,
      5,
    );
    items.forEach((item, r) => {
      const one = corpus.profile(item, 's', times[r]!, 5);
      expect(profileRow(table, r, item.id, 's')).toEqual(one);
    });
  });

  it('forgets the items it is not told to retain: IDF is then that of the items kept', () => {
    const item = (id: string, title: string) =>
      ({ id, title, summary: '', contentText: '', sourceId: 's', url: null }) as unknown as Parameters<
        Corpus['profile']
      >[0];
    const a = item('a', 'harbour lighthouse storm');
    const b = item('b', 'harbour railway budget');
    const c = item('c', 'lighthouse railway storm');
    const kept = new Corpus();
    kept.learn([a, b, c]);
    const before = kept.profile(a, 's', null).all;
    kept.retain(new Set(['a', 'b']));
    const fresh = new Corpus();
    fresh.learn([a, b]);
    const named = (p: ReturnType<Corpus['profile']>, corpus: Corpus) =>
      [...p.all.ids].map((id, i) => [corpus.termName(id), p.all.w[i]]);
    expect(named(kept.profile(a, 's', null), kept)).toEqual(named(fresh.profile(a, 's', null), fresh));
    // With c counted, "lighthouse" and "storm" were as common as "harbour": the weights did change.
    expect([...before.w]).not.toEqual([...kept.profile(a, 's', null).all.w]);
    expect(kept.termCounts('c')).toBeUndefined();
  });
});
