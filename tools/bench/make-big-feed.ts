// Writes an RSS 2.0 file of N items (default 100,000), ~640 bytes each, dated an hour apart going back from
// 2025-06-01, for the peak-memory measurement of issue #15 (BENCHMARKS.md):
//   npm run --silent build:tools && node build/tools/bench/make-big-feed.js /tmp/big/feed.xml 100000
import { createWriteStream } from 'node:fs';

const WORDS =
  'harbour council budget storm river election school bridge market festival museum rail strike court police hospital'.split(
    ' ',
  );
const END = Date.UTC(2025, 5, 1);

/** Returns the opening of the big feed, up to its first item. */
export function bigFeedHead(): string {
  return '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Big</title><link>https://big.example/</link><description>many items</description>\n';
}

/** Returns item `i` of the big feed, one line. */
export function bigFeedItem(i: number): string {
  const w = (k: number): string => WORDS[(i * 7 + k * 13) % WORDS.length] as string;
  const text = Array.from({ length: 60 }, (_, k) => w(k)).join(' ');
  return `<item><title>${w(1)} ${w(2)} ${w(3)} story ${i}</title><link>https://big.example/${i}</link><guid>big-${i}</guid><pubDate>${new Date(END - i * 3_600_000).toUTCString()}</pubDate><description>${text}</description></item>\n`;
}

/** Returns the end of the big feed. */
export function bigFeedTail(): string {
  return '</channel></rss>\n';
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const [path = 'big-feed.xml', count = '100000'] = process.argv.slice(2);
  const out = createWriteStream(path);
  out.write(bigFeedHead());
  for (let i = 0; i < Number(count); i++) out.write(bigFeedItem(i));
  out.end(bigFeedTail());
}
