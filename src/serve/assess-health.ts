/** What `storyfeed run` and the daemon record after each run, in output/last-run.json, for GET /healthz. */
export interface RunRecord {
  /** ISO UTC. */
  finishedAt: string;
  /** ok: feed written; sources-failed: feed written but every source failed; failed: the run failed. */
  result: 'ok' | 'sources-failed' | 'failed';
  durationMs?: number;
  stories?: number;
  sources?: { total: number; healthy: number; failed: number; skipped: number };
  /** The run's error, when it failed. */
  error?: string;
}

/** The /healthz answer: HTTP status and JSON body. */
export interface Health {
  status: 200 | 503;
  body: {
    status: 'ok' | 'failing' | 'stale' | 'no-run';
    lastRun: RunRecord | null;
    ageMs: number | null;
    staleAfterMs: number;
    reason?: string;
  };
}

/**
 * Returns the health of the pipeline from the last run's record: 200 when it wrote the feed with at least one
 * healthy source and is younger than three schedule periods, else 503 with the reason.
 */
export function assessHealth(record: RunRecord | null, nowMs: number, periodMs: number): Health {
  const staleAfterMs = 3 * periodMs;
  if (record === null)
    return {
      status: 503,
      body: { status: 'no-run', lastRun: null, ageMs: null, staleAfterMs, reason: 'no run recorded yet' },
    };
  const ageMs = Math.max(0, nowMs - Date.parse(record.finishedAt));
  const base = { lastRun: record, ageMs, staleAfterMs };
  if (record.result === 'failed')
    return {
      status: 503,
      body: { ...base, status: 'failing', reason: `the last run failed: ${record.error ?? 'unknown error'}` },
    };
  if (record.result === 'sources-failed')
    return { status: 503, body: { ...base, status: 'failing', reason: 'every source failed in the last run' } };
  if (!(ageMs <= staleAfterMs))
    return {
      status: 503,
      body: {
        ...base,
        status: 'stale',
        reason: `the last run finished ${Math.round(ageMs / 60_000)} min ago, more than three schedule periods`,
      },
    };
  return { status: 200, body: { ...base, status: 'ok' } };
}
