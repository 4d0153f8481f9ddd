import { describe, expect, it } from 'vitest';
import { compareDumps, type RunDump } from '../../../tools/bench/compare-stories.js';
import { many, nested } from '../../../tools/bench/hostile-documents.js';
import { bigFeedHead, bigFeedItem, bigFeedTail } from '../../../tools/bench/make-big-feed.js';
import { median } from '../../../tools/bench/median.js';
import { type CpuProfile, placeOf, summarise } from '../../../tools/bench/profile-summary.js';
import { parseFeed } from '../../../src/parse/parse-feed.js';

describe('median', () => {
  it.each([
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[], Number.NaN],
  ])('of %j is %d', (xs, expected) => {
    expect(median(xs)).toBe(expected);
  });
});

describe('hostile documents', () => {
  it('nests the given number of elements inside one item', () => {
    const doc = nested(3);
    expect(doc).toContain('<x><x><x></x></x></x>');
    expect(parseFeed(doc).entries).toHaveLength(1);
  });

  it('lists the given number of items', () => {
    expect(parseFeed(many(25)).entries).toHaveLength(25);
  });
});

describe('the big feed', () => {
  it('is a feed of dated items an hour apart', () => {
    const feed = parseFeed(bigFeedHead() + bigFeedItem(0) + bigFeedItem(1) + bigFeedTail());
    expect(feed.entries).toHaveLength(2);
    expect(bigFeedItem(0)).toContain('<pubDate>Sun, 01 Jun 2025 00:00:00 GMT</pubDate>');
    expect(bigFeedItem(1)).toContain('<pubDate>Sat, 31 May 2025 23:00:00 GMT</pubDate>');
    expect(bigFeedItem(7)).toContain('<guid>big-7</guid>');
  });
});

describe('profile summary', () => {
  it.each([
    [{ functionName: 'f', url: 'file:///x/node_modules/@scope/pkg/lib/a.js' }, '@scope/pkg'],
    [{ functionName: 'f', url: 'file:///x/node_modules/htmlparser2/lib/a.js' }, 'htmlparser2'],
    [{ functionName: 'f', url: 'node:internal/streams' }, 'node internals'],
    [{ functionName: 'f', url: 'file:///repo/dist/parse/parse-feed.js' }, 'parse/parse-feed.js'],
    [{ functionName: 'f', url: 'file:///repo/build/src/parse/parse-feed.js' }, 'src/parse/parse-feed.js'],
    [{ functionName: '(garbage collector)', url: '' }, '((garbage collector))'],
    [{ functionName: '', url: '' }, '(anonymous)'],
  ])('places %j in %s', (frame, expected) => {
    expect(placeOf(frame)).toBe(expected);
  });

  /** A frame of our bundle (where a frame's code lives does not decide its stage). */
  const frame = (functionName: string) => ({ functionName, url: 'file:///repo/dist/bundle/main.js', lineNumber: 0 });

  it('gives each sample to the innermost stage function on its stack', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 5] },
        { id: 2, callFrame: frame('parseFeed'), children: [3] },
        { id: 3, callFrame: frame('decodeBytes'), children: [4] },
        { id: 4, callFrame: frame('helper') },
        { id: 5, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
      ],
      samples: [4, 2, 5, 1],
      timeDeltas: [10, 20, 30, 40],
    };
    const { total, byStage } = summarise(profile);
    expect(total).toBe(100);
    expect(Object.fromEntries(byStage)).toEqual({ decode: 10, parse: 20, 'garbage collector': 30, other: 40 });
  });

  it('knows a stage function by the name a bundle gives it (parseFeed5), and no other function by a number', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 4] },
        { id: 2, callFrame: frame('parseFeed5'), children: [3] },
        { id: 3, callFrame: frame('parse4') },
        { id: 4, callFrame: frame('steal2') },
      ],
      samples: [3, 2, 4],
      timeDeltas: [10, 20, 30],
    };
    expect(Object.fromEntries(summarise(profile).byStage)).toEqual({ parse: 30, other: 30 });
  });
});

describe('compareDumps', () => {
  const dump = (): RunDump => ({
    items: 3,
    stories: [['s1', 'i1']],
    members: [['s1', 0, 'i1']],
    feeds: { 'feed.atom': 'aa' },
  });

  it('finds nothing between equal dumps', () => {
    expect(compareDumps(dump(), dump(), true)).toEqual([]);
  });

  it('names the rows and feeds that differ', () => {
    const other = { ...dump(), members: [['s1', 0, 'i2']], feeds: { 'feed.atom': 'bb' } };
    expect(compareDumps(dump(), other, true)).toEqual([
      'members[0]: ["s1",0,"i1"] vs ["s1",0,"i2"]',
      'feed.atom: bytes differ',
    ]);
    expect(compareDumps(dump(), other, false)).toEqual(['members[0]: ["s1",0,"i1"] vs ["s1",0,"i2"]']);
  });

  it('counts missing rows', () => {
    const other = { ...dump(), items: 4, stories: [] };
    expect(compareDumps(dump(), other, false)).toEqual([
      'items: 3 vs 4',
      'stories: 1 rows vs 0',
      'stories[0]: ["s1","i1"] vs null',
    ]);
  });
});
