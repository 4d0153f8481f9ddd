import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, writeTempConfig } from '../support/demo-config.js';

describe('storyfeed daemon as a process', () => {

  it('runs at start, writes the feed, and stops cleanly on SIGTERM', async () => {
    const { dir, configPath } = writeTempConfig({ log: { level: 'info' }, schedule: { cron: '0 0 1 1 *', timezone: 'Europe/Berlin' } });
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), 'daemon', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 15_000;
    while (!log.includes('"run finished"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(log).toContain('"daemon started"');
    expect(log).toContain('"timezone":"Europe/Berlin"');
    expect(log).toContain('"run finished"');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toContain('"daemon stopped"');
    expect(existsSync(join(dir, 'output', 'feed.atom'))).toBe(true);
    expect(existsSync(join(dir, 'state', 'storyfeed.db.lock'))).toBe(false);
  });
});
