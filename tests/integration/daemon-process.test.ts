import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, writeTempConfig } from '../support/demo-config.js';
import { serve } from '../support/loopback.js';
import { skipReason, withSkipReason } from '../support/skip-reason.js';
import { childrenOf as childPids } from '../../tools/bench/daemon-memory.js';

// The test finds the daemon's run process among its children in /proc.
const noProc = skipReason(!existsSync('/proc/self/stat'), 'no /proc to find child processes in (not Linux)');

/** The pids of a process's children, with their command lines (Linux /proc). */
function childrenOf(pid: number): { pid: number; cmdline: string }[] {
  return childPids(pid).map((child) => ({
    pid: child,
    cmdline: readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' '),
  }));
}

async function until(condition: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

describe('storyfeed daemon as a process', () => {
  it('runs at start, writes the feed, and stops cleanly on SIGTERM', async () => {
    const { dir, configPath } = writeTempConfig({
      log: { level: 'info' },
      schedule: { cron: '0 0 1 1 *', timezone: 'Europe/Berlin' },
    });
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), 'daemon', '--config', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

  it.skipIf(noProc !== null)(
    withSkipReason(
      'runs each run in a process of its own: one killed mid-run fails that run, and the daemon goes on and stops cleanly',
      noProc,
    ),
    async () => {
      // A source that answers only when the test says so: the run waits in its fetch meanwhile.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const { base, requests } = await serve((_req, res) => {
        void held.then(() => {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.end('<rss version="2.0"><channel><title>t</title></channel></rss>');
        });
      });
      const { configPath } = writeTempConfig(
        { log: { level: 'info' }, schedule: { cron: '0 0 1 1 *', timezone: 'UTC' } },
        [{ id: 'slow', name: 'Slow', url: `${base}/feed.xml` }],
      );
      const daemon = spawn(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), 'daemon', '--config', configPath], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      daemon.stderr.on('data', (d: Buffer) => (log += d.toString()));
      const exited = new Promise<number | null>((r) => daemon.on('exit', (code) => r(code)));
      try {
        await until(() => requests.length > 0);
        const runs = childrenOf(daemon.pid!);
        expect(runs).toHaveLength(1);
        expect(runs[0]!.cmdline).toContain('run-process.js');
        process.kill(runs[0]!.pid, 'SIGKILL');
        await until(() => log.includes('"run failed"'));
        expect(log).toMatch(
          /"code":"run\/process-ended".*"msg":"run failed"|"msg":"run failed".*"code":"run\/process-ended"/,
        );
        expect(log).toContain('SIGKILL');
        expect(log).not.toContain('"run finished"');
        // The daemon is still there, with no run left behind, and stops as asked.
        expect(daemon.exitCode).toBeNull();
        expect(childrenOf(daemon.pid!)).toHaveLength(0);
        daemon.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(log).toContain('"daemon stopped"');
      } finally {
        release();
        daemon.kill('SIGKILL');
      }
    },
  );
});
