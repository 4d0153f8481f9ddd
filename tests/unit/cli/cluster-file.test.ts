import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clusterArticles, clusterFile, parseArticleLines, type ArticleRecord } from '../../../src/cli/commands/cluster-file.js';

const body =
  'A magnitude 6.1 earthquake struck near the coastal town of Valdoria early on Friday, damaging the harbour and the old lighthouse. Rescue teams searched collapsed buildings.';
const articles = (): (ArticleRecord & Record<string, unknown>)[] => [
  { id: 'a-1', title: 'Earthquake hits Valdoria harbour', description: 'A strong earthquake hit Valdoria.', body, outlet: 'one.example', story_id: 'gold-1' },
  { id: 'b-1', title: 'Parliament passes the railway budget', description: 'Lawmakers approved spending on new railway lines and station upgrades.', outlet: 'two.example', story_id: 'gold-2' },
  { id: 'a-2', title: 'Valdoria earthquake damages lighthouse', description: 'The Valdoria earthquake damaged the harbour.', body, outlet: 'three.example', story_id: 'gold-1' },
];

describe('clusterArticles', () => {
  it('returns one story per article, in input order, grouping the same event', () => {
    const out = clusterArticles(articles());
    expect(out.map((a) => a.id)).toEqual(['a-1', 'b-1', 'a-2']);
    expect(out[0]!.story).toBe(out[2]!.story);
    expect(out[1]!.story).not.toBe(out[0]!.story);
  });

  it('ignores every field but the article ones (a gold label cannot leak in)', () => {
    const relabelled = articles().map((a, i) => ({ ...a, story_id: `other-${i}`, dataset: 'x', story_title: 'leak' }));
    expect(clusterArticles(relabelled)).toEqual(clusterArticles(articles()));
  });

  it('does not let article ids influence the result', () => {
    const renamed = articles().map((a, i) => ({ ...a, id: `zz-${2 - i}` }));
    const stories = (list: { story: string }[]) => list.map((a) => list.findIndex((b) => b.story === a.story));
    expect(stories(clusterArticles(renamed))).toEqual(stories(clusterArticles(articles())));
  });
});

describe('parseArticleLines', () => {
  it('lists every unusable line in one error', () => {
    expect(() => parseArticleLines('{"id":"a"}\nnot json\n{"title":"x"}\n{"id":"a"}\n')).toThrow(/3 unusable lines: line 2: not JSON; line 3: no id; line 4: duplicate id a/);
  });
});

describe('clusterFile', () => {
  it('reads gzip JSON lines and writes one {id, story} line per article', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyfeed-cluster-'));
    const inPath = join(dir, 'in.jsonl.gz');
    const outPath = join(dir, 'out.jsonl');
    writeFileSync(inPath, gzipSync(articles().map((a) => JSON.stringify(a)).join('\n') + '\n'));
    const result = await clusterFile(inPath, outPath);
    expect(result).toMatchObject({ articles: 3, stories: 2 });
    const lines = readFileSync(outPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => Object.keys(l).sort())).toEqual([['id', 'story'], ['id', 'story'], ['id', 'story']]);
    expect(lines[0]!.story).toBe(lines[2]!.story);
  });
});

describe('clusterArticles in runs', () => {
  it('clusters run by run like the pipeline and reaches the one-batch grouping', () => {
    const list = [...articles(), { id: 'c-1', title: 'Valdoria harbour damaged by earthquake', description: 'An earthquake damaged Valdoria harbour.', body, outlet: 'four.example' }];
    const stories = (out: { story: string }[]) => out.map((a) => out.findIndex((b) => b.story === a.story));
    const inRuns = clusterArticles(list, {}, 1);
    expect(inRuns.map((a) => a.id)).toEqual(['a-1', 'b-1', 'a-2', 'c-1']);
    expect(stories(inRuns)).toEqual([0, 1, 0, 0]);
    expect(stories(inRuns)).toEqual(stories(clusterArticles(list)));
  });
});
