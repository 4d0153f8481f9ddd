import { describe, expect, it } from 'vitest';
import { mapByHost } from '../../../src/fetch/schedule-by-host.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { Source } from '../../../src/model.js';
import { readSources } from '../../../src/pipeline/refresh-source.js';
import { serve } from '../../support/loopback.js';

const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title></item></channel></rss>';
const sources = (base: string, n: number): Source[] => Array.from({ length: n }, (_, i) => ({ id: `s${i}`, name: `S${i}`, url: `${base}/feed/${i}`, priority: 0 }));
const limits = { timeoutMs: 5_000, maxBytes: 100_000, userAgent: 't', concurrency: 8 };

describe('per-host limit, observed at the server', () => {
  it('never has more than perHostConcurrency requests to one host in flight, and spaces them', async () => {
    const starts: number[] = [];
    const { base, peak } = await serve((_req, res) => {
      starts.push(performance.now());
      setTimeout(() => res.writeHead(200).end(RSS), 40);
    });
    const results = await readSources(sources(base, 5), () => null, { ...limits, perHostConcurrency: 1, hostSpacingMs: 30 }, { logger: silentLogger, fetchedAt: '2026-01-01T00:00:00Z' });
    expect(results.map((r) => r.outcome.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(peak()).toBe(1);
    // Each request starts at least 40 ms (the previous response) + 30 ms (spacing) after the one before; 5 ms slack for timers.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(65);
  });

  it('lets requests overlap up to a higher per-host limit (the observation can see concurrency)', async () => {
    const { base, peak } = await serve((_req, res) => setTimeout(() => res.writeHead(200).end(RSS), 100));
    await readSources(sources(base, 6), () => null, { ...limits, perHostConcurrency: 3, hostSpacingMs: 0 }, { logger: silentLogger, fetchedAt: '2026-01-01T00:00:00Z' });
    expect(peak()).toBe(3);
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
