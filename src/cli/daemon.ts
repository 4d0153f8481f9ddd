import cron from 'node-cron';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

export interface DaemonHandle {
  /** Stops scheduling and waits for a run in progress to finish. */
  stop(): Promise<void>;
  /** Resolves when the daemon has stopped. */
  done: Promise<void>;
}

/**
 * Schedules `runJob` on the configured cron expression and time zone (node-cron, noOverlap so a slow
 * run is never started twice), runs once at start, and stops gracefully on SIGINT/SIGTERM.
 */
export function startDaemon(
  config: ResolvedConfig,
  runJob: () => Promise<unknown>,
  logger: Logger,
  options: { runAtStart?: boolean; handleSignals?: boolean } = {},
): DaemonHandle {
  let current: Promise<unknown> | null = null;
  const guarded = async (reason: string) => {
    if (current) {
      logger.warn('run skipped: previous run still in progress', { reason });
      return;
    }
    logger.info('run starting', { reason });
    current = runJob().catch((error: unknown) => {
      // A failed run is logged and the schedule goes on: the next tick may succeed (source back up, disk freed).
      logger.error('run failed', describeError(error));
    });
    try {
      await current;
    } finally {
      current = null;
    }
  };

  const task = cron.schedule(config.schedule.cron, () => guarded('schedule'), {
    name: 'storyfeed-run',
    timezone: config.schedule.timezone,
    noOverlap: true,
  });
  logger.info('daemon started', { cron: config.schedule.cron, timezone: config.schedule.timezone, nextRun: task.getNextRun()?.toISOString() });

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await task.stop();
      await task.destroy();
      if (current) {
        logger.info('waiting for the run in progress to finish');
        await current;
      }
      logger.info('daemon stopped');
      if (options.handleSignals !== false) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      resolveDone();
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info('signal received, stopping', { signal });
    void stop();
  };
  if (options.handleSignals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  if (options.runAtStart !== false) void guarded('start');
  return { stop, done };
}
