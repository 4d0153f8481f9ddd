// Parse benchmark for hostile documents (issue #15): deeply nested XML and feeds with very many items. Prints, per
// document, its size and the main-thread milliseconds readDocument (decode + parse + normalise) takes, so linear or
// bounded time shows as time growing with size by the same factor (or not at all, once a cap cuts). Each document is
// read in a child process of its own with a time limit, so a quadratic case does not stall the whole tool.
//   npm run --silent build:tools && node build/tools/bench/bench-parse-limits.js [--max-seconds 60]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readDocument } from '../../src/pipeline/read-document.js';
import { many, nested } from './hostile-documents.js';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  const [, , , kind, n] = process.argv;
  const text = kind === 'nested' ? nested(Number(n)) : many(Number(n));
  const body = new TextEncoder().encode(text);
  const t0 = performance.now();
  const result = readDocument({
    body,
    source: { id: 's', name: 's', url: 'https://s.example/feed' },
    context: { fetchedAt: '2026-01-01T00:00:00.000Z' },
  });
  const ms = performance.now() - t0;
  const outcome = result.ok
    ? `${result.items.length} items${result.warnings.length ? `, warnings: ${result.warnings.join('; ').slice(0, 120)}` : ''}`
    : `${result.error.code}: ${result.error.message.slice(0, 100)}`;
  console.log(JSON.stringify({ kind, n: Number(n), bytes: body.length, ms: Math.round(ms), outcome }));
} else if (process.argv[1] === self) {
  const args = process.argv.slice(2);
  const maxSeconds = Number(args[args.indexOf('--max-seconds') + 1] ?? 60) || 60;
  const cases: [string, number][] = [
    ...[25_000, 50_000, 100_000, 200_000, 400_000].map((n): [string, number] => ['nested', n]),
    ...[20_000, 40_000, 80_000, 173_580].map((n): [string, number] => ['many', n]),
  ];
  for (const [kind, n] of cases) {
    const r = spawnSync(process.execPath, [self, '--child', kind, String(n)], {
      encoding: 'utf8',
      timeout: maxSeconds * 1000,
    });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || r.signal)
      console.log(JSON.stringify({ kind, n, ms: `> ${maxSeconds * 1000} (stopped)` }));
    else console.log(r.stdout.trim() || r.stderr.trim().split('\n').slice(-3).join(' | '));
  }
}
