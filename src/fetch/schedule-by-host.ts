// Bounded concurrency that is polite per host: at most `concurrency` tasks overall, at most
// `perHostConcurrency` requests to one host name at once, and a pause after each request before the
// host's next one starts. A task holds its host slot only while it talks to the host: it releases the
// slot once the response is read (HostSlot.release), so parsing and storing never keep a host waiting
// (Feedbin's crawler splits downloading and parsing into separate jobs for the same reason;
// docs/politeness.md). Tasks with a null host (files, skipped sources) are limited only by `concurrency`.

/** The limits the scheduler enforces. */
export interface HostLimits {
  concurrency: number;
  perHostConcurrency: number;
  /** The longest pause after a request before the same host's next one (see hostPauseMs). */
  hostSpacingMs: number;
}

/**
 * How a task's turn with its host ended, which sets the pause before the host's next request:
 * `answered`: the host answered (a body, a 304, a redirect, a 404…) — the pause is as long as the request took;
 * `failed`: the host refused or struggled (429, 503, other 5xx, a timeout, a reset) — the full hostSpacingMs;
 * `unused`: no request was made — no pause.
 */
export type HostTurn = 'answered' | 'failed' | 'unused';

/** The host slot a task holds; release it as soon as the host's part is done. Later calls do nothing. */
export interface HostSlot {
  release(turn: HostTurn): void;
}

/** What the scheduler decided, for tests and diagnostics (times from the injected clock). */
export interface ScheduleEvents {
  /** Item `index` started; `host` is null for an item without a host. */
  onStart?(index: number, host: string | null, atMs: number): void;
  /** Item `index` released its host after holding it `heldMs`; the host's next request waits `pauseMs`. */
  onRelease?(index: number, host: string, heldMs: number, pauseMs: number, turn: HostTurn): void;
}

export interface ScheduleClock {
  /** Monotonic milliseconds (default performance.now). */
  now?: () => number;
  events?: ScheduleEvents;
}

/**
 * Returns the pause before a host's next request after a turn that held it `heldMs`: as long as the request
 * took, at most `hostSpacingMs` (a 304 answered in 3 ms earns 3 ms, a 2-second download the full spacing, so
 * a host is never busy with us more than half of each slot's time); the full spacing after a failure, since
 * errors come back fast exactly when a host is struggling (Scrapy AutoThrottle does not let non-200
 * latencies shorten its delay); nothing when no request was made.
 */
export function hostPauseMs(heldMs: number, turn: HostTurn, hostSpacingMs: number): number {
  if (turn === 'unused') return 0;
  if (turn === 'failed') return hostSpacingMs;
  return Math.min(hostSpacingMs, Math.max(0, heldMs));
}

/** The slot of a task without a host: nothing to release. */
const NO_HOST_SLOT: HostSlot = { release: () => undefined };

interface HostState {
  active: number;
  nextStartMs: number;
}

/**
 * Runs `fn` over `items` under the global and per-host limits; returns results in input order. `fn` gets the
 * item's host slot (a no-op for a null host); a task that never releases it holds it until it settles, and
 * then counts as `failed` (the full spacing: the old, conservative behaviour).
 */
export function mapByHost<T, R>(
  items: readonly T[],
  limits: HostLimits,
  hostOf: (item: T, index: number) => string | null,
  fn: (item: T, index: number, slot: HostSlot) => Promise<R>,
  clock: ScheduleClock = {},
): Promise<R[]> {
  const now = clock.now ?? (() => performance.now());
  const events = clock.events;
  return new Promise<R[]>((resolve, reject) => {
    const results = new Array<R>(items.length);
    const pending = items.map((_, i) => i);
    const keys = items.map((item, i) => hostOf(item, i));
    const hosts = new Map<string, HostState>();
    let active = 0;
    let settled = 0;
    let failed = false;
    let timer: NodeJS.Timeout | undefined;
    if (items.length === 0) {
      resolve(results);
      return;
    }

    // The slot of one task's turn with its host: the first release frees it and sets the host's pause.
    const hostSlot = (i: number, key: string, host: HostState, startedAt: number): HostSlot => {
      let released = false;
      return {
        release(turn) {
          if (released) return;
          released = true;
          const t = now();
          const pauseMs = hostPauseMs(t - startedAt, turn, limits.hostSpacingMs);
          host.active--;
          host.nextStartMs = Math.max(host.nextStartMs, t + pauseMs);
          events?.onRelease?.(i, key, t - startedAt, pauseMs, turn);
          if (!failed) pump();
        },
      };
    };

    const start = (i: number, key: string | null, host: HostState | undefined) => {
      active++;
      const startedAt = now();
      events?.onStart?.(i, key, startedAt);
      const slot = host !== undefined && key !== null ? hostSlot(i, key, host, startedAt) : NO_HOST_SLOT;
      let promise: Promise<R>;
      try {
        promise = fn(items[i]!, i, slot);
      } catch (error) {
        promise = Promise.reject(error);
      }
      promise.then(
        (value) => {
          results[i] = value;
          slot.release('failed'); // no-op when the task released it already
          active--;
          settled++;
          if (settled === items.length) resolve(results);
          else pump();
        },
        (error: unknown) => {
          failed = true;
          if (timer) clearTimeout(timer);
          reject(error);
        },
      );
    };

    // A release inside fn (before its first await) pumps while a pump is starting tasks: run again after it instead.
    let pumping = false;
    let again = false;
    const pump = () => {
      if (failed) return;
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          pumpOnce();
        } while (again && !failed);
      } finally {
        pumping = false;
      }
    };

    const pumpOnce = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      let wakeAtMs = Infinity;
      for (let p = 0; p < pending.length && active < limits.concurrency; ) {
        const i = pending[p]!;
        const key = keys[i] ?? null;
        let host: HostState | undefined;
        if (key !== null) {
          host = hosts.get(key) ?? { active: 0, nextStartMs: -Infinity };
          hosts.set(key, host);
          if (host.active >= limits.perHostConcurrency) {
            p++;
            continue;
          }
          if (now() < host.nextStartMs) {
            wakeAtMs = Math.min(wakeAtMs, host.nextStartMs);
            p++;
            continue;
          }
          host.active++;
        }
        pending.splice(p, 1);
        start(i, key, host);
      }
      if (pending.length > 0 && active < limits.concurrency && wakeAtMs < Infinity) {
        timer = setTimeout(pump, Math.max(0, Math.ceil(wakeAtMs - now())));
      }
    };
    pump();
  });
}
