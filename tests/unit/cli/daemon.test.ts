import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { startDaemon } from '../../../src/cli/daemon.js';
import { createMemoryLogger } from '../../../src/lib/logger.js';

const config = (cron: string) =>
  // Every second, to see several runs within a test: allowed only with allowSubMinute.
  resolveConfig({ sources: [{ id: 'a', name: 'A', url: 'a.xml' }], schedule: { cron, timezone: 'UTC', allowSubMinute: true } }, '/tmp/storyfeed-daemon/config.json');

describe('startDaemon', () => {
  it('runs at start, then on schedule, never two runs at once, and stop waits for the run in progress', async () => {
    const logger = createMemoryLogger();
    let active = 0;
    let peak = 0;
    let runs = 0;
    const job = async () => {
      active++;
      peak = Math.max(peak, active);
      runs++;
      await new Promise((r) => setTimeout(r, 1500)); // longer than the 1 s schedule
      active--;
    };
    const daemon = startDaemon(config('* * * * * *'), job, logger, { handleSignals: false });
    await new Promise((r) => setTimeout(r, 3300));
    await daemon.stop();
    await daemon.done;
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(peak).toBe(1);
    expect(active).toBe(0); // stop() waited for the run in progress
    expect(logger.records.some((r) => r.message === 'daemon stopped')).toBe(true);
  });

  it('keeps the schedule going after a failed run', async () => {
    const logger = createMemoryLogger();
    let runs = 0;
    const daemon = startDaemon(config('* * * * * *'), async () => {
      runs++;
      throw new Error('boom');
    }, logger, { handleSignals: false });
    await new Promise((r) => setTimeout(r, 2300));
    await daemon.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(logger.records.filter((r) => r.level === 'error' && r.message === 'run failed').length).toBe(runs);
  });
});
