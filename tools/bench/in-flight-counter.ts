// Counts requests in flight per host, as a server sees them, and keeps the peak per host since the last
// reset. The peer race (issue #16) uses it to check the politeness target: never more than
// `fetch.perHostConcurrency` requests at once to one host.

/** Requests in flight per host and the most seen at once. */
export class InFlightCounter {
  private readonly current = new Map<string, number>();
  private readonly peaks = new Map<string, number>();

  /** A request to `host` arrived. */
  start(host: string): void {
    const now = (this.current.get(host) ?? 0) + 1;
    this.current.set(host, now);
    if (now > (this.peaks.get(host) ?? 0)) this.peaks.set(host, now);
  }

  /** A request to `host` was answered or its connection closed; call it once per start(). */
  end(host: string): void {
    const now = (this.current.get(host) ?? 0) - 1;
    if (now < 0) throw new Error(`InFlightCounter: end() without start() for ${host}`);
    this.current.set(host, now);
  }

  /** Returns the requests in flight to `host` now. */
  inFlight(host: string): number {
    return this.current.get(host) ?? 0;
  }

  /** Returns the most requests seen at once to `host` since the last reset (0 when none). */
  peakOf(host: string): number {
    return this.peaks.get(host) ?? 0;
  }

  /** Returns the highest peak over every host (0 when no request was seen). */
  maxPeak(): number {
    let max = 0;
    for (const p of this.peaks.values()) if (p > max) max = p;
    return max;
  }

  /** Forgets the peaks; requests still in flight stay counted (and set the new peaks). */
  resetPeaks(): void {
    this.peaks.clear();
    for (const [host, now] of this.current) if (now > 0) this.peaks.set(host, now);
  }
}
