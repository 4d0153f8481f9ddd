import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.js';

describe('storyfeed cluster', () => {
  it('writes one {id, story} line per article, grouping reports of one event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storyfeed-cluster-'));
    const quake = 'A magnitude 6.1 earthquake struck near the coastal town of Valdoria early on Friday, damaging the harbour and the old lighthouse.';
    const lines = [
      { id: 'x1', title: 'Earthquake hits Valdoria harbour', description: quake, outlet: 'a.example', story_id: 'GOLD-1' },
      { id: 'x2', title: 'Valdoria earthquake damages old lighthouse', description: quake, outlet: 'b.example', story_id: 'GOLD-1' },
      { id: 'x3', title: 'Parliament passes the railway budget', description: 'Lawmakers approved spending on new railway lines and station upgrades.', outlet: 'c.example', story_id: 'GOLD-2' },
    ];
    writeFileSync(join(dir, 'in.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const out: string[] = [];
    const code = await main(['cluster', '--in', join(dir, 'in.jsonl'), '--out', join(dir, 'out.jsonl')], { stdout: (s) => void out.push(s), stderr: () => {} });
    expect(code).toBe(EXIT.ok);
    const result = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; story: string });
    expect(result.map((r) => r.id)).toEqual(['x1', 'x2', 'x3']);
    expect(result[0]!.story).toBe(result[1]!.story);
    expect(result[2]!.story).not.toBe(result[0]!.story);
    expect(result.every((r) => !r.story.includes('GOLD'))).toBe(true);
    expect(out.join('')).toMatch(/clustered 3 articles into 2 stories/);
  });

  it('requires --in and --out', async () => {
    const err: string[] = [];
    expect(await main(['cluster', '--in', 'x.jsonl'], { stdout: () => {}, stderr: (s) => void err.push(s) })).toBe(EXIT.usage);
    expect(err.join('')).toContain('--out');
  });
});
