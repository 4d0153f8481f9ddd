// Documents that stress the parser's limits (issue #15), for bench-parse-limits and its tests.

/** Returns an RSS document with one item holding `depth` nested elements. */
export function nested(depth: number): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>nested</title><link>https://n.example/</link><description>d</description><item><title>deep</title><link>https://n.example/1</link><guid>g1</guid><description>x</description>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</item></channel></rss>`;
}

/** Returns an RSS document with `count` small items. */
export function many(count: number): string {
  const items: string[] = [];
  for (let i = 0; i < count; i++)
    items.push(`<item><title>t${i}</title><link>https://m.example/${i}</link><guid>${i}</guid></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>many</title><link>https://m.example/</link><description>d</description>${items.join('')}</channel></rss>`;
}
