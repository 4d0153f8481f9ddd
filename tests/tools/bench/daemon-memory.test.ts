import { describe, expect, it } from 'vitest';
import { parentPidOf, pssMbOf, summariseDaemon, type DaemonSample } from '../../../tools/bench/daemon-memory.js';

describe('daemon memory bench (issue #16)', () => {
  it('reads the PSS of smaps_rollup in MB, and nothing from a text without it', () => {
    const rollup =
      '55a0c0000000-7ffd00000000 ---p 00000000 00:00 0 [rollup]\nRss: 73728 kB\nPss: 51200 kB\nPss_Anon: 1 kB\n';
    expect(pssMbOf(rollup)).toBe(50);
    expect(pssMbOf('Rss: 10 kB\n')).toBeNull();
  });

  it('reads the parent pid after a command name holding spaces and parentheses', () => {
    expect(parentPidOf('4242 (node) S 4100 4242 4100 0 -1')).toBe(4100);
    expect(parentPidOf('77 (a (b) c) R 12 77 12 0 -1')).toBe(12);
  });

  it('takes the peak of daemon and run together during the run and the median held after it', () => {
    const at = (atMs: number, daemonMb: number, childrenMb: number, finished: boolean): DaemonSample => ({
      atMs,
      daemonMb,
      childrenMb,
      finished,
    });
    const samples = [
      at(250, 80, 0, false),
      at(500, 45, 300, false),
      at(750, 44, 310, false),
      at(1000, 46, 0, true),
      at(1250, 200, 0, true), // before the last two: not counted
      at(1500, 48, 0, true),
      at(1750, 50, 0, true),
    ];
    expect(summariseDaemon(samples, 12.5, 2)).toEqual({ runS: 12.5, peakMb: 354, idleMb: 49 });
    expect(() => summariseDaemon(samples.slice(0, 3), 1, 2)).toThrow(/no sample/);
  });
});
