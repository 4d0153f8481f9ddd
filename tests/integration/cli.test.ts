import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load-config.js';
import { acquireRunLock } from '../../src/lib/run-lock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { DEMO_CONFIG, REPO_ROOT, writeTempConfig } from '../support/demo-config.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

describe('storyfeed CLI', () => {
  it('prints help and exits 0', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(EXIT.ok);
    expect(c.out.join('')).toMatch(/^ {2}run +fetch every source once/m);
    expect(c.out.join('')).toMatch(/^ {2}daemon +run now, then on the cron schedule/m);
    expect(c.out.join('')).toMatch(/-c, --config PATH/);
  });

  it('refuses an unknown command with the usage exit code', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(EXIT.usage);
    expect(c.err.join('')).toContain('unknown command "frobnicate"');
  });

  it('refuses a bad config naming every problem, exits non-zero, and writes nothing', async () => {
    const { dir, configPath } = writeTempConfig({
      schedule: { cron: 'whenever' },
      output: { maxStories: -3 },
    });
    const raw = JSON.parse(readFileSync(configPath, 'utf8'));
    raw.sources[2].url = 'gopher://old.example/feed';
    writeFileSync(configPath, JSON.stringify(raw));
    const c = capture();
    const code = await main(['run', '--config', configPath], c.io);
    expect(code).toBe(EXIT.usage);
    const message = c.err.join('');
    expect(message).toContain('sources[2].url: must be an http(s) URL or a file path');
    expect(message).toContain('schedule.cron:');
    expect(message).toContain('output.maxStories:');
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('runs the demo and reports what it wrote', async () => {
    const { configPath } = writeTempConfig();
    const c = capture();
    expect(await main(['run', '--config', configPath], c.io)).toBe(EXIT.ok);
    expect(c.out.join('')).toMatch(/wrote .*feed\.atom: 12 stories from 5\/5 sources/);
  });

  it('exits 75 while another process holds the run lock', async () => {
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    const lock = acquireRunLock(config.store.lockPath);
    writeFileSync(config.store.lockPath, JSON.stringify({ pid: process.ppid, startedAt: 'x' }));
    try {
      expect(await main(['run', '--config', configPath], capture().io)).toBe(EXIT.locked);
      expect(existsSync(config.output.feedPath)).toBe(false);
    } finally {
      lock.release();
    }
  });
});

describe('a killed run', () => {

  it('leaves the previous feed intact and does not block the next run', async () => {
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    await runOnce(config, { logger: silentLogger });
    const before = readFileSync(config.output.feedPath);

    // A source that never answers keeps the child inside its run until we kill it.
    let seen!: () => void;
    const requested = new Promise<void>((r) => (seen = r));
    const server = createServer(() => seen());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow.xml`;
    const raw = JSON.parse(readFileSync(configPath, 'utf8'));
    raw.sources = [...DEMO_CONFIG.sources.map((s) => ({ ...s, url: join(REPO_ROOT, s.url) })), { id: 'slow', name: 'Slow', url }];
    raw.sources.unshift({ id: 'new', name: 'New', url: join(REPO_ROOT, 'tests/fixtures/integration/one-new-item.xml') });
    writeFileSync(configPath, JSON.stringify(raw));

    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), 'run', '--config', configPath], { stdio: 'ignore' });
    await requested;
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    server.closeAllConnections();
    server.close();

    expect(readFileSync(config.output.feedPath).equals(before)).toBe(true);
    expect(existsSync(config.store.lockPath)).toBe(true); // left behind by the kill...
    const next = await runOnce(config, { logger: silentLogger }); // ...and taken over as stale
    expect(next.feedWritten).toBe(true);
  });
});
