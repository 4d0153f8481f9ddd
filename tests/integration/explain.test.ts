import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { writeTempConfig } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';

describe('storyfeed explain', () => {
  it('shows every member of the seed story with its score and shared terms', async () => {
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    await runOnce(config, { logger: silentLogger });
    const seed = readAtom(readFileSync(config.output.feedPath, 'utf8')).entries.find((e) => e.related.length === 5)!;
    const out: string[] = [];
    const code = await main(['explain', seed.id, '--json', '--config', configPath], {
      stdout: (s) => void out.push(s),
      stderr: () => {},
    });
    expect(code).toBe(EXIT.ok);
    const explained = JSON.parse(out.join('')) as {
      entryId: string;
      members: { score: number; sharedTerms: string[]; outlet: string }[];
    };
    expect(explained.entryId).toBe(seed.id);
    expect(explained.members).toHaveLength(5);
    for (const m of explained.members.slice(1)) {
      expect(m.score).toBeGreaterThan(0);
      expect(m.sharedTerms.length).toBeGreaterThan(0);
    }
    const text: string[] = [];
    await main(['explain', seed.id, '--config', configPath], { stdout: (s) => void text.push(s), stderr: () => {} });
    expect(text.join('')).toMatch(/joined with similarity \d\.\d{3}; shared terms: \w+/);
  });

  it('says so for an unknown story', async () => {
    const { configPath } = writeTempConfig();
    const err: string[] = [];
    expect(
      await main(['explain', 'nope', '--config', configPath], { stdout: () => {}, stderr: (s) => void err.push(s) }),
    ).toBe(EXIT.failed);
    expect(err.join('')).toContain('no story "nope"');
  });

  it('makes no database when there is none yet (a first run may be building its own aside)', async () => {
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    const err: string[] = [];
    expect(
      await main(['explain', 'nope', '--config', configPath], { stdout: () => {}, stderr: (s) => void err.push(s) }),
    ).toBe(EXIT.failed);
    expect(err.join('')).toContain('does not exist yet (no run has finished)');
    expect(existsSync(config.store.path)).toBe(false);
  });
});

describe('storyfeed sources list', () => {
  it('lists every source as never fetched, and makes no database, when there is none yet', async () => {
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    const out: string[] = [];
    expect(
      await main(['sources', 'list', '--config', configPath], { stdout: (s) => void out.push(s), stderr: () => {} }),
    ).toBe(EXIT.ok);
    expect(out.join('').match(/status: never fetched/g)).toHaveLength(config.sources.length);
    expect(existsSync(config.store.path)).toBe(false);
    // Once a run has made it, the list shows each source's state.
    await runOnce(config, { logger: silentLogger });
    const after: string[] = [];
    await main(['sources', 'list', '--config', configPath], { stdout: (s) => void after.push(s), stderr: () => {} });
    expect(after.join('')).not.toContain('never fetched');
  });
});
