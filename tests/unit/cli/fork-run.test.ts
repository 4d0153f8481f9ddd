import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  RUN_MALLOC_TRIM,
  RUN_SEMI_SPACE,
  runForked,
  runProcessEnv,
  runProcessFlags,
} from '../../../src/cli/commands/fork-run.js';
import type { RunJob } from '../../../src/cli/commands/run-job.js';
import { describeError } from '../../../src/lib/errors.js';

// The daemon's side of a run in its own process (issue #16): stand-in run processes answer as run-process.ts does,
// or do not answer at all; the real one is run by tests/integration/daemon-process.test.ts.
const dir = mkdtempSync(join(tmpdir(), 'storyfeed-fork-run-'));
function entry(name: string, body: string): URL {
  const path = join(dir, name);
  writeFileSync(path, body);
  return pathToFileURL(path);
}
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const job = { config: { sources: [{ id: 'a' }] }, level: 'silent' } as unknown as RunJob;

describe('runForked', () => {
  it('returns null when there is no run process to start (running from the sources)', () => {
    expect(runForked(job, pathToFileURL(join(dir, 'missing.js')))).toBeNull();
  });

  it('sends the job and resolves when the process answers that the run went well', async () => {
    const echo = join(dir, 'job.json');
    const ok = entry(
      'ok.mjs',
      `import { writeFileSync } from 'node:fs';
       process.once('message', (job) => {
         writeFileSync(${JSON.stringify(echo)}, JSON.stringify(job));
         process.send({ ok: true }, undefined, undefined, () => process.exit(0));
       });`,
    );
    await expect(runForked(job, ok)).resolves.toBeUndefined();
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(echo, 'utf8'))).toEqual(job);
  });

  it('rejects with the error the run failed with, described as the run process described it', async () => {
    const failed = entry(
      'failed.mjs',
      `process.once('message', () => process.send(
         { ok: false, error: { code: 'store/disk-full', message: 'store: the disk is full', stage: 'store' } },
         undefined, undefined, () => process.exit(0)));`,
    );
    const error = await runForked(job, failed)!.catch((e: unknown) => e);
    expect(describeError(error)).toEqual({
      code: 'store/disk-full',
      message: 'store: the disk is full',
      stage: 'store',
    });
  });

  it('rejects with run/process-ended when the process ends without answering (killed, crashed)', async () => {
    const killed = entry('killed.mjs', `process.once('message', () => process.kill(process.pid, 'SIGKILL'));`);
    const error = await runForked(job, killed)!.catch((e: unknown) => e);
    expect(describeError(error)).toMatchObject({ code: 'run/process-ended', stage: 'run' });
    expect(describeError(error).message).toContain('SIGKILL');
    const crashed = entry('crashed.mjs', `process.once('message', () => { throw new Error('boom'); });`);
    const error2 = await runForked(job, crashed)!.catch((e: unknown) => e);
    expect(describeError(error2)).toMatchObject({ code: 'run/process-ended' });
    expect(describeError(error2).message).toContain('exit code 1');
  });

  it("starts the run process with V8's young generation capped, as node's own flag, and glibc's trim threshold", async () => {
    const seen = join(dir, 'argv.json');
    const argv = entry(
      'argv.mjs',
      `import { writeFileSync } from 'node:fs';
       process.once('message', () => {
         writeFileSync(${JSON.stringify(seen)}, JSON.stringify([process.execArgv, process.env.MALLOC_TRIM_THRESHOLD_]));
         process.send({ ok: true }, undefined, undefined, () => process.exit(0));
       });`,
    );
    const before = process.env.MALLOC_TRIM_THRESHOLD_;
    delete process.env.MALLOC_TRIM_THRESHOLD_;
    try {
      await expect(runForked(job, argv)).resolves.toBeUndefined();
    } finally {
      if (before !== undefined) process.env.MALLOC_TRIM_THRESHOLD_ = before;
    }
    const [execArgv, trim] = JSON.parse(readFileSync(seen, 'utf8')) as [string[], string];
    expect(execArgv).toContain('--max-semi-space-size=8');
    expect(trim).toBe('1048576');
  });
});

describe('runProcessEnv', () => {
  it("adds glibc's trim threshold to the daemon's environment", () => {
    expect(runProcessEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_TRIM_THRESHOLD_: '1048576' });
  });

  it("keeps a threshold the operator set, as the variable or as glibc's tunable", () => {
    expect(runProcessEnv({ MALLOC_TRIM_THRESHOLD_: '0' })).toEqual({ MALLOC_TRIM_THRESHOLD_: '0' });
    const tunables = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=65536' };
    expect(runProcessEnv(tunables)).toEqual(tunables);
    // Another malloc setting is not a trim threshold: ours is still added.
    expect(runProcessEnv({ MALLOC_ARENA_MAX: '2' })).toEqual({
      MALLOC_ARENA_MAX: '2',
      MALLOC_TRIM_THRESHOLD_: '1048576',
    });
  });

  it("is what `npm start` and the cron lines of the docs give a run, with the young generation's cap", () => {
    const setting = `${RUN_MALLOC_TRIM.name}=${RUN_MALLOC_TRIM.value}`;
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(`${setting} node ${RUN_SEMI_SPACE} bin/storyfeed.js run`);
    for (const doc of ['README.md', 'docs/subscribing.md']) {
      const cron = readFileSync(join(ROOT, doc), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('*/30 '));
      expect(cron.length, doc).toBeGreaterThan(0);
      for (const line of cron) expect(line, doc).toContain(`${setting} node ${RUN_SEMI_SPACE} bin/storyfeed.js run`);
    }
  });
});

describe('runProcessFlags', () => {
  it("adds the young generation's cap to the daemon's own flags", () => {
    expect(runProcessFlags(['--enable-source-maps'], '')).toEqual(['--enable-source-maps', '--max-semi-space-size=8']);
  });

  it('keeps a cap the operator gave, on the command line or in NODE_OPTIONS', () => {
    expect(runProcessFlags(['--max-semi-space-size=32'], '')).toEqual(['--max-semi-space-size=32']);
    expect(runProcessFlags(['--max_semi_space_size', '4'], '')).toEqual(['--max_semi_space_size', '4']);
    expect(runProcessFlags([], '--trace-warnings --max-semi-space-size=2')).toEqual([]);
  });
});
