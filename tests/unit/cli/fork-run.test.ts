import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runForked, runProcessFlags } from '../../../src/cli/commands/fork-run.js';
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

  it("starts the run process with V8's young generation capped, as node's own flag", async () => {
    const seen = join(dir, 'argv.json');
    const argv = entry(
      'argv.mjs',
      `import { writeFileSync } from 'node:fs';
       process.once('message', () => {
         writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.execArgv));
         process.send({ ok: true }, undefined, undefined, () => process.exit(0));
       });`,
    );
    await expect(runForked(job, argv)).resolves.toBeUndefined();
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toContain('--max-semi-space-size=8');
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
