// The process of one run of `storyfeed daemon` (daemon-command.ts): the daemon forks it for each run and sends it the
// config it loaded at start and its log level; it runs the pipeline (run-job.ts), answers how it went and exits. All
// the memory a run takes (a cold import of 15,000 articles peaks at ~300 MB) goes back to the system with the process:
// a daemon that ran the pipeline itself kept ~190–250 MB for good after its first large run (glibc keeps freed memory
// in its heap; BENCHMARKS.md, issue #16).
import { describeError } from '../../lib/errors.js';
import { runJob, type RunJob, type RunOutcome } from './run-job.js';

/** Serves one job from the parent process, then exits (an answer the parent cannot take any more changes nothing). */
function serve(): void {
  const send = process.send?.bind(process);
  if (send === undefined) {
    process.stderr.write('storyfeed: run-process.js is started by `storyfeed daemon`, not by hand\n');
    process.exitCode = 2;
    return;
  }
  // The daemon decides when to stop, after the run in progress: a Ctrl-C on a terminal or systemd's stop signals the
  // whole process group, this process too.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.once('message', (job: RunJob) => {
    // Whatever happens, an answer and no stack trace: the daemon logs it as `run failed`.
    void runJob(job)
      .catch((error: unknown): RunOutcome => ({ ok: false, error: describeError(error) }))
      .then((outcome) => send(outcome, undefined, undefined, () => process.exit(0)));
  });
}

serve();
