// Parse benchmark for hostile documents (issue #15): deeply nested XML and feeds with very many items. Prints, per
// document, its size and the main-thread milliseconds readDocument (decode + parse + normalise) takes, so linear or
// bounded time shows as time growing with size by the same factor (or not at all, once a cap cuts). Each document is
// read in a child process of its own with a time limit, so a quadratic case does not stall the whole script.
//   npm run build && node scripts/bench-parse-limits.mjs [--max-seconds 60]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const maxSeconds = Number(args[args.indexOf('--max-seconds') + 1] ?? 60) || 60;

/** An RSS document with one item holding `depth` nested elements. */
export function nested(depth) {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>nested</title><link>https://n.example/</link><description>d</description><item><title>deep</title><link>https://n.example/1</link><guid>g1</guid><description>x</description>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</item></channel></rss>`;
}

/** An RSS document with `count` small items. */
export function many(count) {
  const items = [];
  for (let i = 0; i < count; i++) items.push(`<item><title>t${i}</title><link>https://m.example/${i}</link><guid>${i}</guid></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>many</title><link>https://m.example/</link><description>d</description>${items.join('')}</channel></rss>`;
}

if (process.argv[2] === '--child') {
  const [, , , kind, n] = process.argv;
  const { readDocument } = await import('../dist/pipeline/read-document.js');
  const text = kind === 'nested' ? nested(Number(n)) : many(Number(n));
  const body = new TextEncoder().encode(text);
  const t0 = performance.now();
  const result = readDocument({ body, source: { id: 's', name: 's', url: 'https://s.example/feed' }, context: { fetchedAt: '2026-01-01T00:00:00.000Z' } });
  const ms = performance.now() - t0;
  const outcome = result.ok ? `${result.items.length} items${result.warnings.length ? `, warnings: ${result.warnings.join('; ').slice(0, 120)}` : ''}` : `${result.error.code}: ${result.error.message.slice(0, 100)}`;
  console.log(JSON.stringify({ kind, n: Number(n), bytes: body.length, ms: Math.round(ms), outcome }));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Run as a script (not imported for its document makers).
  const self = fileURLToPath(import.meta.url);
  const cases = [
    ...[25_000, 50_000, 100_000, 200_000, 400_000].map((n) => ['nested', n]),
    ...[20_000, 40_000, 80_000, 173_580].map((n) => ['many', n]),
  ];
  for (const [kind, n] of cases) {
    const r = spawnSync(process.execPath, [self, '--child', kind, String(n)], { encoding: 'utf8', timeout: maxSeconds * 1000 });
    if (r.error?.code === 'ETIMEDOUT' || r.signal) console.log(JSON.stringify({ kind, n, ms: `> ${maxSeconds * 1000} (stopped)` }));
    else console.log(r.stdout.trim() || r.stderr.trim().split('\n').slice(-3).join(' | '));
  }
}
