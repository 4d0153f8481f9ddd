// The lead of an article's text (what a run stores of it) must hold exactly what the clusterer reads, and reading
// HTML only up to the lead must give the same lead as reading all of it.
import { describe, expect, it } from 'vitest';
import { generateCorpus, generatedStories, seededRandom } from '../../../src/bench/generate-corpus.js';
import { BODY_TERM_WORDS, scanWords, tokenize } from '../../../src/cluster/text-features.js';
import { htmlToText } from '../../../src/normalize/html-to-text.js';
import { LEAD_WORDS, leadText, WordCounter } from '../../../src/normalize/lead-text.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';

/** The HTML contents of a generated feed document (~600 words each). */
const contentsOf = (document: string): string[] => parseFeed(document).entries.map((e) => e.content?.value ?? '');

describe('leadText', () => {
  it.each([
    ['a text of no more words is kept whole', 'one two three', 3, 'one two three'],
    ['cut right after the last word kept', 'one two three four', 2, 'one two'],
    ['punctuation after the last word kept goes', 'One. Two! Three?', 2, 'One. Two'],
    ['words as the clusterer counts them: U.S. is two', 'U.S. officials said', 2, 'U.S'],
    ['apostrophes stay inside a word', "don't stop now", 2, "don't stop"],
    ['trailing text without words is kept when nothing is cut', 'one two — …', 2, 'one two — …'],
    ['an astral letter is a letter', 'a 𝐀b c', 2, 'a 𝐀b'],
    ['empty', '', 5, ''],
  ])('%s', (_name, text, words, expected) => {
    expect(leadText(text, words)).toBe(expected);
  });

  it('finds the words the clusterer’s scanWords finds, on random text of every kind of character', () => {
    // The oracle: the cut as scanWords itself gives it (the end of its words-th word, when a further word follows).
    const reference = (text: string, words: number): string => {
      let count = 0;
      let end = -1;
      let more = false;
      scanWords(text, words + 1, (_start, wordEnd) => {
        if (++count === words) end = wordEnd;
        else if (count > words) more = true;
        return true;
      });
      return more ? text.slice(0, end) : text;
    };
    const alphabet = ['a', 'Z', '7', ' ', ' ', "'", '’', '.', '-', 'é', 'ß', '中', '—', '“', '\u00a0', '𝐀', '😀', '\ud800', '\udc00', '٣', '\n'];
    const random = seededRandom(42);
    let cuts = 0;
    for (let t = 0; t < 3000; t++) {
      let text = '';
      const length = Math.floor(random() * 60);
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      const words = 1 + Math.floor(random() * 8);
      const expected = reference(text, words);
      if (expected !== text) cuts++;
      expect(leadText(text, words), JSON.stringify([text, words])).toBe(expected);
      // Counted in pieces, the words are the same as in one piece.
      const counter = new WordCounter();
      const at = Math.floor(random() * (text.length + 1));
      counter.add(text.slice(0, at));
      counter.add(text.slice(at));
      let all = 0;
      scanWords(text, Infinity, () => (all++, true));
      if (!/[\ud800-\udbff]$/.test(text.slice(0, at))) expect(counter.count, JSON.stringify(text)).toBe(all);
    }
    expect(cuts).toBeGreaterThan(1000);
  });

  it('keeps the clusterer’s words: its tokens of the lead are its tokens of the whole text', () => {
    expect(LEAD_WORDS).toBeGreaterThanOrEqual(BODY_TERM_WORDS);
    const { sources } = generateCorpus({ sources: 4, itemsPerSource: 10, pool: generatedStories(60, 11), seed: 11 });
    let cut = 0;
    for (const s of sources) {
      for (const html of contentsOf(s.document)) {
        const text = htmlToText(html);
        const lead = leadText(text);
        if (lead !== text) cut++;
        expect(text.startsWith(lead)).toBe(true);
        expect(tokenize(lead, BODY_TERM_WORDS)).toEqual(tokenize(text, BODY_TERM_WORDS));
      }
    }
    expect(cut).toBe(40);
  });
});

describe('htmlToText with leadWords', () => {
  const samples = [
    '<p>Fish &amp;amp; chips &lt;b&gt; &copy 2015 &#8217; &nbsp;x</p><p>second   para</p>',
    'a<script>x()</script>b<style>p{}</style>c<p>d e f</p><br>g h',
    '<![CDATA[<p>Inside</p><p>CDATA</p>]]> after words here',
    '<p>open <b>bold</i> <table><td>cell</table></div>tail <a href="x',
    `<div>${'<b>w</b>ord '.repeat(50)}</div>${'<span>x</span>'.repeat(10)}`,
    `${'<div>'.repeat(300)}deep words one two three${'</div>'.repeat(300)}`,
  ];
  it.each(samples.flatMap((html) => [1, 2, 3, 7, 40].map((n) => [html, n] as const)))('%s, %i words: the lead of the whole text', (html, n) => {
    expect(htmlToText(html, undefined, n)).toBe(leadText(htmlToText(html), n));
  });

  it('stops early on long articles and still gives the lead of the whole text', () => {
    const { sources } = generateCorpus({ sources: 4, itemsPerSource: 10, pool: generatedStories(60, 5), seed: 5 });
    let documents = 0;
    for (const s of sources) {
      for (const html of contentsOf(s.document)) {
        for (const n of [LEAD_WORDS, 20, 151]) expect(htmlToText(html, undefined, n)).toBe(leadText(htmlToText(html), n));
      }
      documents++;
    }
    expect(documents).toBe(4);
  });
});
