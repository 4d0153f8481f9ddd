// Bounded concurrency that is polite per host: at most `concurrency` tasks overall, at most
// `perHostConcurrency` per host name, and at least `hostSpacingMs` between one task to a host
// ending (or starting) and the next one starting. Tasks with a null host (files, skipped sources)
// are limited only by `concurrency`.

/** The limits the scheduler enforces. */
export interface HostLimits {
  concurrency: number;
  perHostConcurrency: number;
  hostSpacingMs: number;
}

/** Runs `fn` over `items` under the global and per-host limits; returns results in input order. */
export function mapByHost<T, R>(
  items: readonly T[],
  limits: HostLimits,
  hostOf: (item: T, index: number) => string | null,
  fn: (item: T, index: number) => Promise<R>,
  now: () => number = () => performance.now(),
): Promise<R[]> {
  return new Promise<R[]>((resolve, reject) => {
    const results = new Array<R>(items.length);
    const pending = items.map((_, i) => i);
    const keys = items.map((item, i) => hostOf(item, i));
    const hosts = new Map<string, { active: number; nextStartMs: number }>();
    let active = 0;
    let settled = 0;
    let timer: NodeJS.Timeout | undefined;
    if (items.length === 0) {
      resolve(results);
      return;
    }

    const start = (i: number, host: { active: number; nextStartMs: number } | undefined) => {
      active++;
      fn(items[i]!, i).then(
        (value) => {
          results[i] = value;
          active--;
          if (host) {
            host.active--;
            host.nextStartMs = Math.max(host.nextStartMs, now() + limits.hostSpacingMs);
          }
          settled++;
          if (settled === items.length) resolve(results);
          else pump();
        },
        (error: unknown) => {
          if (timer) clearTimeout(timer);
          reject(error);
        },
      );
    };

    const pump = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      let wakeAtMs = Infinity;
      for (let p = 0; p < pending.length && active < limits.concurrency; ) {
        const i = pending[p]!;
        const key = keys[i] ?? null;
        let host: { active: number; nextStartMs: number } | undefined;
        if (key !== null) {
          host = hosts.get(key) ?? { active: 0, nextStartMs: -Infinity };
          hosts.set(key, host);
          if (host.active >= limits.perHostConcurrency) {
            p++;
            continue;
          }
          const t = now();
          if (t < host.nextStartMs) {
            wakeAtMs = Math.min(wakeAtMs, host.nextStartMs);
            p++;
            continue;
          }
          host.active++;
          host.nextStartMs = t + limits.hostSpacingMs;
        }
        pending.splice(p, 1);
        start(i, host);
      }
      if (pending.length > 0 && active < limits.concurrency && wakeAtMs < Infinity) {
        timer = setTimeout(pump, Math.max(0, Math.ceil(wakeAtMs - now())));
      }
    };
    pump();
  });
}
