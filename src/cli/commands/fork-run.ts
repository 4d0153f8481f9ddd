import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RunProcessError } from '../../lib/errors.js';
import { givesNodeFlag } from '../../lib/node-flags.js';
import { errorFrom } from '../../pipeline/read-document.js';
import type { RunJob, RunOutcome } from './run-job.js';

// `storyfeed daemon` runs each run in a process of its own (run-process.ts), so that what a run takes goes back to the
// system when it ends (issue #16). Next to the bundle (dist/bundle/run-process.js) as next to this module's compiled
// form (dist/cli/commands/); running from the TypeScript sources (the unit tests) there is none.
const RUN_PROCESS_URL = new URL('./run-process.js', import.meta.url);

/**
 * The run process's young generation: V8's semi-space capped at 8 MB (its own default on 64-bit is 16). Measured on the
 * race corpus (BENCHMARKS.md, session 11): a cold import's peak −18 MB, a run of 150 new articles −10 MB, CPU within
 * the machine's noise. A flag of node's command line, which a process cannot set for itself, so it is given here,
 * where the daemon starts each run; one the operator gave (node's own flags, NODE_OPTIONS) is kept instead.
 */
export const RUN_SEMI_SPACE = '--max-semi-space-size=8';

/**
 * The run process's malloc (glibc): memory freed at the top of a heap goes back to the system once 1 MiB of it is
 * free. glibc's own threshold starts at 128 KiB but rises with the largest block freed, up to 64 MiB, and a run frees
 * large blocks (its documents, the grouping's arrays) phase after phase. Measured on the race corpus's cold run
 * (BENCHMARKS.md, session 16): peak RSS 239–240 → 212–214 MB with RUN_SEMI_SPACE, for ~0.3 s more system CPU; 128 KiB
 * gave the same peak for ~0.6 s, 4 MiB only 225–229 MB. glibc reads it when a process starts (a process cannot set it
 * for itself), so it is given here, in `npm start` and in the cron lines of the docs; musl and macOS ignore it.
 */
export const RUN_MALLOC_TRIM = { name: 'MALLOC_TRIM_THRESHOLD_', value: '1048576' } as const;

/** Returns the environment a run process starts with: the daemon's, and RUN_MALLOC_TRIM unless the operator set one. */
export function runProcessEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = env[RUN_MALLOC_TRIM.name] !== undefined || /glibc\.malloc\.trim_threshold/.test(env.GLIBC_TUNABLES ?? '');
  return own ? { ...env } : { ...env, [RUN_MALLOC_TRIM.name]: RUN_MALLOC_TRIM.value };
}

/** Returns the node flags a run process starts with: the daemon's own, and RUN_SEMI_SPACE unless one is set. */
export function runProcessFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): string[] {
  return givesNodeFlag('--max-semi-space-size', execArgv, nodeOptions) ? [...execArgv] : [...execArgv, RUN_SEMI_SPACE];
}

/**
 * Runs `job` in a new process and resolves once it has ended well; rejects with the error the run failed with, or
 * with a RunProcessError when the process ended without saying (killed, crashed). Returns null when there is no run
 * process to start: the caller runs the job itself.
 */
export function runForked(job: RunJob, entry: URL = RUN_PROCESS_URL): Promise<void> | null {
  const path = fileURLToPath(entry);
  if (!existsSync(path)) return null;
  return new Promise<void>((resolve, reject) => {
    let outcome: RunOutcome | undefined;
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve();
    };
    // Its log lines go where the daemon's go; the job (a config of plain data) and the answer cross the IPC channel.
    const child = fork(path, [], {
      execArgv: runProcessFlags(),
      env: runProcessEnv(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child.on('message', (message) => {
      outcome = message as RunOutcome;
    });
    child.on('error', (error) =>
      settle(new RunProcessError('run/process-ended', `the run's process failed: ${error.message}`, { cause: error })),
    );
    // 'close' comes after the channel has delivered every message ('exit' may come before the answer).
    child.on('close', (code, signal) => {
      if (outcome?.ok) settle();
      else if (outcome) settle(errorFrom(outcome.error));
      else
        settle(
          new RunProcessError(
            'run/process-ended',
            `the run's process ended (${signal ?? `exit code ${code}`}) before it finished: the previous feed stays`,
          ),
        );
    });
    child.send(job);
  });
}
