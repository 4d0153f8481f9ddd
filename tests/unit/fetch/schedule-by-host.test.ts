import { afterEach, describe, expect, it, vi } from 'vitest';
import { hostPauseMs, mapByHost, type HostTurn, type ScheduleEvents } from '../../../src/fetch/schedule-by-host.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { Source } from '../../../src/model.js';
import { inlineReader } from '../../../src/pipeline/read-pool.js';
import { readSource, readSources } from '../../../src/pipeline/refresh-source.js';
import type { SourceState } from '../../../src/store/open-store.js';
import { serve } from '../../support/loopback.js';

const RSS =
  '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title></item></channel></rss>';
const sources = (base: string, n: number): Source[] =>
  Array.from({ length: n }, (_, i) => ({ id: `s${i}`, name: `S${i}`, url: `${base}/feed/${i}`, priority: 0 }));
const limits = { timeoutMs: 5_000, maxBytes: 100_000, userAgent: 't', concurrency: 8 };

describe('per-host limit, observed at the server', () => {
  it('never has more than perHostConcurrency requests to one host in flight, and spaces them', async () => {
    const starts: number[] = [];
    const { base, peak } = await serve((_req, res) => {
      starts.push(performance.now());
      setTimeout(() => res.writeHead(200).end(RSS), 40);
    });
    const results = await readSources(
      sources(base, 5),
      () => null,
      { ...limits, perHostConcurrency: 1, hostSpacingMs: 30 },
      { logger: silentLogger, fetchedAt: '2026-01-01T00:00:00Z' },
    );
    expect(results.map((r) => r.outcome.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(peak()).toBe(1);
    // Each request starts at least 40 ms (the previous response) + 30 ms (spacing) after the one before; 5 ms slack for
    // timers.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(65);
  });

  it('lets requests overlap up to a higher per-host limit (the observation can see concurrency)', async () => {
    const { base, peak } = await serve((_req, res) => setTimeout(() => res.writeHead(200).end(RSS), 100));
    await readSources(
      sources(base, 6),
      () => null,
      { ...limits, perHostConcurrency: 3, hostSpacingMs: 0 },
      { logger: silentLogger, fetchedAt: '2026-01-01T00:00:00Z' },
    );
    expect(peak()).toBe(3);
  });
});

describe('one host, many feeds (issue #16), observed at the server', () => {
  const fetchedAt = '2026-01-01T00:00:00Z';
  const stored = (source: Source, etag: string): SourceState => ({
    id: source.id,
    url: source.url,
    name: source.name,
    lastStatus: 'ok',
    lastError: null,
    lastFetchedAt: '2025-12-31T23:30:00Z',
    lastSuccessAt: '2025-12-31T23:30:00Z',
    consecutiveFailures: 0,
    etag,
    lastModified: null,
    bodyHash: null,
  });
  const recorder = () => {
    const starts: { i: number; at: number }[] = [];
    const releases: { i: number; at: number; held: number; pause: number; turn: HostTurn }[] = [];
    const events: ScheduleEvents = {
      onStart: (i, _host, at) => starts.push({ i, at }),
      onRelease: (i, _host, held, pause, turn) =>
        releases.push({ i, at: starts.find((s) => s.i === i)!.at + held, held, pause, turn }),
    };
    return { starts, releases, events };
  };

  it('answers 30 conditional requests with 304 with at most perHostConcurrency in flight, each paused by what it took', async () => {
    const { base, peak, requests } = await serve((req, res) => {
      // 20 ms per answer, so that two requests in flight at once are seen at the server when they happen.
      setTimeout(
        () =>
          req.headers['if-none-match'] === '"v1"'
            ? res.writeHead(304, { etag: '"v1"' }).end()
            : res.writeHead(200).end(RSS),
        20,
      );
    });
    const list = sources(base, 30);
    const states = new Map(list.map((s) => [s.id, stored(s, '"v1"')]));
    const { releases, events } = recorder();
    const results = await readSources(
      list,
      (id) => states.get(id) ?? null,
      { ...limits, perHostConcurrency: 2, hostSpacingMs: 250 },
      { logger: silentLogger, fetchedAt, scheduleEvents: events },
    );
    expect(results.every((r) => r.outcome.status === 'not-modified')).toBe(true);
    expect(requests.every((r) => r.headers['if-none-match'] === '"v1"')).toBe(true);
    expect(peak()).toBe(2);
    expect(releases).toHaveLength(30);
    for (const r of releases) {
      expect(r.turn).toBe('answered');
      expect(r.pause).toBe(Math.min(250, r.held));
    }
  });

  it('still backs a source off on 429 + Retry-After, and gives the host the full spacing after it', async () => {
    const { base, peak } = await serve((req, res) => {
      if (req.url === '/feed/1') return void res.writeHead(429, { 'retry-after': '3600' }).end();
      res.writeHead(200).end(RSS);
    });
    const list = sources(base, 4);
    const { starts, releases, events } = recorder();
    const results = await readSources(
      list,
      () => null,
      { ...limits, perHostConcurrency: 1, hostSpacingMs: 60 },
      { logger: silentLogger, fetchedAt, scheduleEvents: events },
    );
    expect(peak()).toBe(1);
    const limited = results[1]!;
    expect(limited.outcome.status).toBe('failed');
    expect(limited.state.nextPollReason).toBe('retry-after');
    expect(limited.state.nextPollAt).toBe('2026-01-01T01:00:00.000Z');
    expect(results.filter((r) => r.outcome.status === 'ok')).toHaveLength(3);
    const after429 = releases.find((r) => r.i === 1)!;
    expect(after429.turn).toBe('failed');
    expect(after429.pause).toBe(60);
    // The host's next request waited out the full spacing (times from the scheduler's own clock).
    const next = starts.filter((s) => s.at >= after429.at).sort((a, b) => a.at - b.at)[0]!;
    expect(next.at - after429.at).toBeGreaterThanOrEqual(60);
  });

  it('releases the host before the document is read', async () => {
    const { base } = await serve((_req, res) => res.writeHead(200).end(RSS));
    const order: string[] = [];
    const source = sources(base, 1)[0]!;
    const result = await readSource(source, null, limits, {
      logger: silentLogger,
      fetchedAt,
      hostSlot: { release: (turn) => order.push(`release ${turn}`) },
      reader: {
        read: (job) => {
          order.push('read');
          return inlineReader.read(job);
        },
      },
    });
    expect(result.outcome.status).toBe('ok');
    expect(order).toEqual(['release answered', 'read']);
  });
});

describe('mapByHost', () => {
  it('keeps input order, honours the global limit and runs null-host items without a host limit', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapByHost(
      [1, 2, 3, 4, 5, 6],
      { concurrency: 4, perHostConcurrency: 1, hostSpacingMs: 0 },
      () => null,
      async (n) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 10));
        active--;
        return n * 2;
      },
    );
    expect(out).toEqual([2, 4, 6, 8, 10, 12]);
    expect(peak).toBe(4);
  });
});

describe('hostPauseMs', () => {
  it.each([
    // held ms, turn, spacing → pause
    [3, 'answered', 250, 3], // a 304 in 3 ms earns 3 ms, not a quarter second
    [0, 'answered', 250, 0],
    [249, 'answered', 250, 249],
    [2_000, 'answered', 250, 250], // a slow download earns the full spacing, never more
    [3, 'failed', 250, 250], // errors come back fast when a host struggles: always the full spacing
    [5_000, 'failed', 250, 250],
    [3, 'unused', 250, 0],
    [3, 'answered', 0, 0],
    [-1, 'answered', 250, 0], // a clock that stepped back never makes a negative pause
  ] as const)('held %i ms, %s, spacing %i → %i ms', (held, turn, spacing, pause) => {
    expect(hostPauseMs(held, turn as HostTurn, spacing)).toBe(pause);
  });
});

// The scheduler's decisions on a virtual clock: vitest's fake timers drive both setTimeout and Date.now,
// which is the clock the scheduler is given, so every time below is exact and no test waits on wall time.
describe('mapByHost decisions (virtual clock)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  type Trace = {
    starts: { i: number; host: string | null; at: number }[];
    releases: { i: number; at: number; held: number; pause: number; turn: HostTurn }[];
  };
  const traced = (): { trace: Trace; events: ScheduleEvents } => {
    const trace: Trace = { starts: [], releases: [] };
    return {
      trace,
      events: {
        onStart: (i, host, at) => trace.starts.push({ i, host, at }),
        onRelease: (i, _host, held, pause, turn) => trace.releases.push({ i, at: Date.now(), held, pause, turn }),
      },
    };
  };
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  /** Runs n one-host tasks: each talks to the host for `requestMs`, releases with `turn`, then works `afterMs` more. */
  async function run(
    n: number,
    limits: { concurrency: number; perHostConcurrency: number; hostSpacingMs: number },
    requestMs: number,
    turn: HostTurn,
    afterMs = 0,
    release = true,
  ) {
    vi.useFakeTimers({ now: 0 });
    const { trace, events } = traced();
    let inFlight = 0;
    let peak = 0;
    const done = mapByHost(
      Array.from({ length: n }, (_, i) => i),
      limits,
      () => 'feeds.example',
      async (i, _index, slot) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(requestMs);
        inFlight--;
        if (release) slot.release(turn);
        await sleep(afterMs);
        return i;
      },
      { now: () => Date.now(), events },
    );
    await vi.runAllTimersAsync();
    expect(await done).toEqual(Array.from({ length: n }, (_, i) => i));
    return { trace, peak };
  }

  it('spaces 304s by the time they took, not by the full spacing', async () => {
    const { trace, peak } = await run(10, { concurrency: 4, perHostConcurrency: 1, hostSpacingMs: 250 }, 3, 'answered');
    expect(peak).toBe(1);
    expect(trace.releases.map((r) => r.pause)).toEqual(Array(10).fill(3));
    // Each request starts exactly 3 ms after the previous one released: 10 × 3 ms requests + 9 × 3 ms pauses.
    for (let k = 1; k < 10; k++) expect(trace.starts[k]!.at).toBe(trace.releases[k - 1]!.at + 3);
    expect(trace.starts[9]!.at).toBe(54);
  });

  it('gives the full spacing after a failure, however fast it came back', async () => {
    const { trace } = await run(4, { concurrency: 4, perHostConcurrency: 1, hostSpacingMs: 250 }, 3, 'failed');
    expect(trace.releases.map((r) => r.pause)).toEqual([250, 250, 250, 250]);
    for (let k = 1; k < 4; k++) expect(trace.starts[k]!.at).toBe(trace.releases[k - 1]!.at + 250);
  });

  it('caps the pause after a slow request at hostSpacingMs', async () => {
    const { trace } = await run(3, { concurrency: 4, perHostConcurrency: 1, hostSpacingMs: 250 }, 1_000, 'answered');
    expect(trace.releases.map((r) => [r.held, r.pause])).toEqual([
      [1_000, 250],
      [1_000, 250],
      [1_000, 250],
    ]);
  });

  it('starts the host’s next request while the previous task is still working after its release', async () => {
    // 5 ms of request, then 100 ms of parsing: the second request starts at 10 ms, long before the first task ends.
    const { trace, peak } = await run(
      3,
      { concurrency: 4, perHostConcurrency: 1, hostSpacingMs: 250 },
      5,
      'answered',
      100,
    );
    expect(peak).toBe(1);
    expect(trace.starts.map((s) => s.at)).toEqual([0, 10, 20]);
  });

  it('holds the slot until the task settles, with the full spacing, when the task never releases it', async () => {
    const { trace } = await run(
      3,
      { concurrency: 4, perHostConcurrency: 1, hostSpacingMs: 250 },
      5,
      'answered',
      20,
      false,
    );
    expect(trace.releases.map((r) => [r.held, r.pause, r.turn])).toEqual([
      [25, 250, 'failed'],
      [25, 250, 'failed'],
      [25, 250, 'failed'],
    ]);
    expect(trace.starts.map((s) => s.at)).toEqual([0, 275, 550]);
  });

  it('never holds more than perHostConcurrency slots of a host, nor more than concurrency tasks', async () => {
    vi.useFakeTimers({ now: 0 });
    const { trace, events } = traced();
    let tasks = 0;
    let peakTasks = 0;
    const held = new Map<string, number>();
    let peakHeld = 0;
    const hostOf = (i: number) => (i % 3 === 0 ? 'a.example' : i % 3 === 1 ? 'b.example' : null);
    const done = mapByHost(
      Array.from({ length: 60 }, (_, i) => i),
      { concurrency: 5, perHostConcurrency: 2, hostSpacingMs: 40 },
      hostOf,
      async (i, _index, slot) => {
        tasks++;
        peakTasks = Math.max(peakTasks, tasks);
        const host = hostOf(i);
        if (host) held.set(host, (held.get(host) ?? 0) + 1);
        peakHeld = Math.max(peakHeld, ...held.values());
        await sleep(1 + (i % 7) * 9);
        if (host) held.set(host, held.get(host)! - 1);
        slot.release(i % 5 === 0 ? 'failed' : 'answered');
        await sleep(i % 4);
        tasks--;
        return i;
      },
      { now: () => Date.now(), events },
    );
    await vi.runAllTimersAsync();
    await done;
    expect(peakHeld).toBe(2);
    expect(peakTasks).toBe(5);
    // No host's request starts before the pause its last release asked for.
    for (const host of ['a.example', 'b.example']) {
      const mine = (i: number) => hostOf(i) === host;
      for (const s of trace.starts.filter((x) => mine(x.i))) {
        const before = trace.releases.filter((r) => mine(r.i) && r.at <= s.at && r.i !== s.i);
        for (const r of before) expect(s.at).toBeGreaterThanOrEqual(r.at + r.pause);
      }
    }
  });
});
