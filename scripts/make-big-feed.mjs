// Writes an RSS 2.0 file of N items (default 100,000), ~640 bytes each, dated an hour apart going back from
// 2025-06-01, for the peak-memory measurement of issue #15 (BENCHMARKS.md):
//   node scripts/make-big-feed.mjs /tmp/big/feed.xml 100000
import { createWriteStream } from 'node:fs';
const [path = 'big-feed.xml', count = '100000'] = process.argv.slice(2);
const out = createWriteStream(path);
const words = 'harbour council budget storm river election school bridge market festival museum rail strike court police hospital'.split(' ');
out.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Big</title><link>https://big.example/</link><description>many items</description>\n');
const end = Date.UTC(2025, 5, 1);
for (let i = 0; i < Number(count); i++) {
  const w = (k) => words[(i * 7 + k * 13) % words.length];
  const text = Array.from({ length: 60 }, (_, k) => w(k)).join(' ');
  out.write(`<item><title>${w(1)} ${w(2)} ${w(3)} story ${i}</title><link>https://big.example/${i}</link><guid>big-${i}</guid><pubDate>${new Date(end - i * 3_600_000).toUTCString()}</pubDate><description>${text}</description></item>\n`);
}
out.end('</channel></rss>\n');
