import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

// The benchmark's synthetic corpus (issue #7): S sources of mixed formats (RSS 2.0, Atom 1.0, RSS 1.0 RDF,
// JSON Feed 1.1), M items each, realistic sizes (headline ~10 words, summary ~50, content ~600 words of
// HTML), stories reported by several outlets within hours of each other and spread over days. Text comes
// from the story-clustering dev set when it is present (read at bench time, never written into the repo),
// so clustering meets real headlines and leads; otherwise from generated pseudo-stories. Deterministic for
// a seed. A "changed" variant gives 10 % of the sources new items, for the incremental scenario.

export type BenchFormat = 'rss' | 'atom' | 'rdf' | 'json';
export const BENCH_FORMATS: readonly BenchFormat[] = ['rss', 'atom', 'rdf', 'json'];

/** One story's text material: the articles different outlets wrote about it. */
export interface StoryText {
  articles: { title: string; summary: string; body: string | null }[];
}

export interface CorpusOptions {
  sources: number;
  itemsPerSource: number;
  seed?: number;
  /** Story texts to draw from (see loadDevStories); generated pseudo-stories when absent or empty. */
  pool?: readonly StoryText[];
  /** Share of sources that get new items in the changed variant (default 0.1). */
  changedShare?: number;
  /** New items per changed source (default 10 % of itemsPerSource, at least 1). */
  newItemsPerChangedSource?: number;
  /** Target words of an item's HTML content (default 600). */
  contentWords?: number;
}

/** One article as a source lists it. */
export interface BenchItem {
  guid: string;
  url: string;
  title: string;
  summary: string;
  contentHtml: string;
  published: Date;
  author: string;
  categories: string[];
}

/** One generated source: its feed documents (base and, for 10 % of sources, changed). */
export interface BenchSource {
  id: string;
  name: string;
  format: BenchFormat;
  /** The document served normally. */
  document: string;
  /** The document served in the "changed" scenario (new items on top), or null when the source is unchanged. */
  changedDocument: string | null;
}

/** Slot plan: which story instance and which of its articles a source lists, and when. */
interface Slot {
  instance: number;
  variant: number;
  time: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The newest generated article; fixed so runs are reproducible and every date is in the past. */
export const CORPUS_END = Date.UTC(2025, 5, 1, 12, 0, 0);
/** Copies of one dev story are at least this far apart, beyond the clusterer's 72-hour window. */
const COPY_SPACING_MS = 4 * DAY_MS;

/** Returns a seeded PRNG (mulberry32) yielding floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Returns the dev set's stories (articles grouped by story, text fields only), or [] when the file is absent. */
export function loadDevStories(path: string): StoryText[] {
  if (!existsSync(path)) return [];
  const byStory = new Map<string, StoryText>();
  for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { story_id?: string; title?: string | null; description?: string | null; body?: string | null };
    if (!r.story_id || !r.title) continue;
    let story = byStory.get(r.story_id);
    if (!story) byStory.set(r.story_id, (story = { articles: [] }));
    const summary = r.description?.trim() || firstWordsOf(r.body ?? '', 50) || r.title;
    story.articles.push({ title: r.title.trim(), summary, body: r.body?.trim() || null });
  }
  return [...byStory.values()];
}

/** Generic news vocabulary for filler paragraphs; random sequences of it share no 8-word run across items. */
const FILLER = (
  'according officials statement government report people country city state public national local community ' +
  'percent million market company business industry economy policy plan program support change issue problem ' +
  'office department agency minister president leader council committee member members group groups team season ' +
  'school students health care hospital police court case law legal rights security military forces border ' +
  'election campaign voters party senator congress parliament vote votes meeting talks deal agreement decision ' +
  'spokesperson analysts experts residents workers families children women men data study research results ' +
  'region area areas water energy prices costs budget funding tax taxes jobs growth rate rates level levels ' +
  'announced reported confirmed expected planned continued increased reduced warned called told added noted ' +
  'major recent several early later former current future likely possible important significant serious ' +
  'morning evening night month months period history record number numbers share system service services'
).split(' ');

/** Returns the pseudo-story pool used when the dev set is absent. */
export function generatedStories(count: number, seed: number): StoryText[] {
  const random = seededRandom(seed ^ 0x5eed);
  const syllables = ['ka', 'lo', 'mer', 'tan', 'vi', 'sor', 'en', 'dal', 'ri', 'pon', 'gu', 'shel', 'ar', 'bet', 'nos', 'tri'];
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => syllables[Math.floor(random() * syllables.length)]!).join('');
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const out: StoryText[] = [];
  for (let s = 0; s < count; s++) {
    const names = Array.from({ length: 3 }, () => capitalize(word()));
    const topic = Array.from({ length: 4 }, word);
    const sentence = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? pick(names) : i % 3 === 1 ? pick(topic) : pick(FILLER))).join(' ');
    const articles = Array.from({ length: 2 + Math.floor(random() * 3) }, () => ({
      title: capitalize(sentence(10)),
      summary: `${capitalize(sentence(24))}. ${capitalize(sentence(24))}.`,
      body: null,
    }));
    out.push({ articles });
  }
  return out;
}

/**
 * Returns the corpus's sources with their documents rendered, calling `onSource` for each as it is made
 * (so a large corpus can be written out without holding every document at once when `keep` is false).
 */
export function generateCorpus(
  options: CorpusOptions,
  onSource?: (source: BenchSource, index: number) => void,
  keep = true,
): { sources: BenchSource[]; stats: { items: number; newItems: number; stories: number; changedSources: number; fromDevSet: boolean; firstDate: string; lastDate: string } } {
  const seed = options.seed ?? 7;
  const random = seededRandom(seed);
  const S = options.sources;
  const M = options.itemsPerSource;
  const fromDevSet = (options.pool?.length ?? 0) > 0;
  const pool = fromDevSet ? options.pool! : generatedStories(3000, seed);
  const order = shuffled(pool.map((_, i) => i), random);
  const contentWords = options.contentWords ?? 600;

  // Slots: each source's M items spread evenly over the timeline; consumed in time order by story instances.
  const baseSlots = planSlots(Array.from({ length: S }, (_, i) => i), M, random);
  const outletsOf = (instance: number): number => {
    const story = pool[order[instance % pool.length]!]!;
    // A third of the stories are one outlet's alone; the rest are reported by every outlet the dev set has (≤ 5).
    return random() < 0.33 ? 1 : Math.max(1, Math.min(5, story.articles.length));
  };
  const base = assignInstances(baseSlots, outletsOf, 0);
  const instances = base.instances;
  const copySpan = Math.ceil(instances / pool.length) * COPY_SPACING_MS;
  const spanMs = Math.max(3 * DAY_MS, copySpan);
  const newSpanMs = DAY_MS / 2;
  const timeOfInstance = (k: number) => CORPUS_END - newSpanMs - spanMs + (k / Math.max(1, instances)) * spanMs;

  // The changed variant: 10 % of the sources list new stories (the newest half day), dropping as many of their oldest items.
  const changedCount = Math.max(1, Math.round(S * (options.changedShare ?? 0.1)));
  const changedIds = shuffled(Array.from({ length: S }, (_, i) => i), random).slice(0, changedCount).sort((a, b) => a - b);
  const perChanged = options.newItemsPerChangedSource ?? Math.max(1, Math.round(M * 0.1));
  const fresh = assignInstances(planSlots(changedIds, perChanged, random), outletsOf, instances);
  const timeOfFresh = (k: number) => CORPUS_END - newSpanMs + ((k - instances) / Math.max(1, fresh.instances)) * newSpanMs;

  const sources: BenchSource[] = [];
  const changedSet = new Set(changedIds);
  let firstDate = Infinity;
  for (let s = 0; s < S; s++) {
    const format = BENCH_FORMATS[s % BENCH_FORMATS.length]!;
    const id = `src-${String(s).padStart(4, '0')}`;
    const name = `Outlet ${s + 1}`;
    const itemRandom = seededRandom(seed * 7919 + s);
    const make = (slot: Slot, when: (k: number) => number): BenchItem => {
      const published = new Date(Math.floor(when(slot.instance) + slot.time * 6 * HOUR_MS));
      if (published.getTime() < firstDate) firstDate = published.getTime();
      return makeItem(pool[order[slot.instance % pool.length]!]!, slot, s, published, itemRandom, contentWords);
    };
    const items = (base.bySource.get(s) ?? []).map((slot) => make(slot, timeOfInstance)).sort(newestFirst);
    const meta = { id, name, format, siteUrl: `https://outlet-${s + 1}.example/` };
    const document = renderDocument(meta, items);
    let changedDocument: string | null = null;
    if (changedSet.has(s)) {
      const added = (fresh.bySource.get(s) ?? []).map((slot) => make(slot, timeOfFresh)).sort(newestFirst);
      changedDocument = renderDocument(meta, [...added, ...items].slice(0, Math.max(items.length, added.length)));
    }
    const source: BenchSource = { id, name, format, document, changedDocument };
    onSource?.(source, s);
    if (keep) sources.push(source);
  }
  return {
    sources,
    stats: {
      items: S * M,
      newItems: changedCount * perChanged,
      stories: instances,
      changedSources: changedCount,
      fromDevSet,
      firstDate: new Date(firstDate).toISOString(),
      lastDate: new Date(CORPUS_END).toISOString(),
    },
  };
}

/** What generateCorpusFiles wrote: one entry per source, with its files and ETags. */
export interface CorpusManifest {
  sources: { id: string; name: string; format: BenchFormat; file: string; etag: string; bytes: number; changedFile: string | null; changedEtag: string | null }[];
  stats: ReturnType<typeof generateCorpus>['stats'];
}

/** Writes the corpus's documents under `dir` (feeds/ and feeds-changed/) and returns the manifest (also written as manifest.json). */
export function generateCorpusFiles(dir: string, options: CorpusOptions): CorpusManifest {
  mkdirSync(join(dir, 'feeds'), { recursive: true });
  mkdirSync(join(dir, 'feeds-changed'), { recursive: true });
  const entries: CorpusManifest['sources'] = [];
  const { stats } = generateCorpus(
    options,
    (source) => {
      const ext = source.format === 'json' ? 'json' : 'xml';
      const file = join(dir, 'feeds', `${source.id}.${ext}`);
      writeFileSync(file, source.document);
      let changedFile: string | null = null;
      if (source.changedDocument !== null) {
        changedFile = join(dir, 'feeds-changed', `${source.id}.${ext}`);
        writeFileSync(changedFile, source.changedDocument);
      }
      entries.push({
        id: source.id,
        name: source.name,
        format: source.format,
        file,
        etag: etagOf(source.document),
        bytes: Buffer.byteLength(source.document),
        changedFile,
        changedEtag: source.changedDocument === null ? null : etagOf(source.changedDocument),
      });
    },
    false,
  );
  const manifest: CorpusManifest = { sources: entries, stats };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return manifest;
}

/** Returns a strong ETag for a document. */
export function etagOf(text: string): string {
  return `"${createHash('sha1').update(text).digest('hex').slice(0, 20)}"`;
}

// Each source gets `perSource` slots at evenly spread times (with jitter); all slots sorted by time.
function planSlots(sourceIds: readonly number[], perSource: number, random: () => number): { source: number; at: number }[] {
  const slots: { source: number; at: number }[] = [];
  for (const source of sourceIds) for (let j = 0; j < perSource; j++) slots.push({ source, at: (j + random()) / perSource });
  return slots.sort((a, b) => a.at - b.at || a.source - b.source);
}

// Walks the slots in time order; each story instance takes the next k slots of distinct sources.
function assignInstances(
  slots: { source: number; at: number }[],
  outletsOf: (instance: number) => number,
  firstInstance: number,
): { bySource: Map<number, Slot[]>; instances: number } {
  const bySource = new Map<number, Slot[]>();
  const queue = slots.slice();
  let instance = firstInstance;
  let head = 0;
  while (head < queue.length) {
    const k = outletsOf(instance);
    const taken = new Set<number>();
    for (let i = head; i < queue.length && taken.size < k && i < head + 4 * k; i++) {
      const slot = queue[i]!;
      if (taken.has(slot.source)) continue;
      taken.add(slot.source);
      // Move the slot to the head so the queue stays consumed in order.
      queue[i] = queue[head + taken.size - 1]!;
      queue[head + taken.size - 1] = slot;
    }
    for (let v = 0; v < taken.size; v++) {
      const slot = queue[head + v]!;
      let list = bySource.get(slot.source);
      if (!list) bySource.set(slot.source, (list = []));
      list.push({ instance, variant: v, time: v === 0 ? 0 : (v * 0.37) % 1 });
      // (articles after the first follow within 6 hours: time is a fraction of that)
    }
    head += taken.size;
    instance++;
  }
  return { bySource, instances: instance - firstInstance };
}

function makeItem(story: StoryText, slot: Slot, source: number, published: Date, random: () => number, contentWords: number): BenchItem {
  const article = story.articles[slot.variant % story.articles.length]!;
  const slug = slugOf(article.title);
  const d = published.toISOString();
  const host = `outlet-${source + 1}.example`;
  const url = `https://${host}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${slug}-${slot.instance}?utm_source=rss&utm_medium=feed`;
  // Content: the outlet's own text first (the dev set's body or lead), then the story's other leads, then filler.
  const paragraphs: string[] = [];
  let words = 0;
  const push = (text: string) => {
    if (!text.trim() || words >= contentWords) return;
    paragraphs.push(text.trim());
    words += text.split(/\s+/).length;
  };
  if (article.body) for (const p of article.body.split(/\n{2,}/)) push(p);
  else push(article.summary);
  for (const other of story.articles) if (other !== article) push(other.summary);
  while (words < contentWords) {
    const n = 25 + Math.floor(random() * 30);
    push(capitalize(Array.from({ length: n }, () => FILLER[Math.floor(random() * FILLER.length)]!).join(' ')) + '.');
  }
  const html = paragraphs.map((p, i) => {
    const text = escapeXml(p);
    if (i === 0) return `<figure><img src="/images/${slug}.jpg" alt="${escapeXml(article.title)}" width="800" height="450"></figure>\n<p><strong>${text}</strong></p>`;
    if (i % 3 === 1) return `<p>${text} <a href="/related/${slot.instance}-${i}">Read more</a>.</p>`;
    if (i % 5 === 4) return `<blockquote><p><em>${text}</em></p></blockquote>`;
    return `<p>${text}</p>`;
  });
  return {
    guid: `${host}:${slot.instance}:${slot.variant}`,
    url,
    title: article.title,
    summary: article.summary,
    contentHtml: html.join('\n'),
    published,
    author: `Reporter ${1 + Math.floor(random() * 40)}`,
    categories: [['Politics', 'World', 'Business', 'Science', 'Sports', 'Culture'][slot.instance % 6]!],
  };
}

interface SourceMeta {
  id: string;
  name: string;
  format: BenchFormat;
  siteUrl: string;
}

/** Returns the feed document of a source in its format. */
export function renderDocument(meta: SourceMeta, items: readonly BenchItem[]): string {
  switch (meta.format) {
    case 'rss':
      return renderRss(meta, items);
    case 'atom':
      return renderAtomDoc(meta, items);
    case 'rdf':
      return renderRdf(meta, items);
    case 'json':
      return renderJson(meta, items);
  }
}

function renderRss(meta: SourceMeta, items: readonly BenchItem[]): string {
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">`,
    `<channel>`,
    `<title>${escapeXml(meta.name)}</title>`,
    `<link>${meta.siteUrl}</link>`,
    `<description>Latest news from ${escapeXml(meta.name)}</description>`,
    `<language>en</language>`,
  ];
  if (items[0]) out.push(`<lastBuildDate>${items[0].published.toUTCString()}</lastBuildDate>`);
  for (const it of items) {
    out.push(
      `<item>`,
      `<title>${escapeXml(it.title)}</title>`,
      `<link>${escapeXml(it.url)}</link>`,
      `<guid isPermaLink="false">${escapeXml(it.guid)}</guid>`,
      `<pubDate>${it.published.toUTCString()}</pubDate>`,
      `<dc:creator>${escapeXml(it.author)}</dc:creator>`,
      ...it.categories.map((c) => `<category>${escapeXml(c)}</category>`),
      `<description>${escapeXml(it.summary)}</description>`,
      `<content:encoded><![CDATA[${it.contentHtml.replaceAll(']]>', ']]]]><![CDATA[>')}]]></content:encoded>`,
      `</item>`,
    );
  }
  out.push(`</channel>`, `</rss>`, '');
  return out.join('\n');
}

function renderAtomDoc(meta: SourceMeta, items: readonly BenchItem[]): string {
  const updated = (items[0]?.published ?? new Date(CORPUS_END)).toISOString();
  const out = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">`,
    `<title>${escapeXml(meta.name)}</title>`,
    `<id>${meta.siteUrl}</id>`,
    `<link rel="alternate" type="text/html" href="${meta.siteUrl}"/>`,
    `<updated>${updated}</updated>`,
  ];
  for (const it of items) {
    const d = it.published.toISOString();
    out.push(
      `<entry>`,
      `<id>tag:${escapeXml(it.guid)}</id>`,
      `<title type="text">${escapeXml(it.title)}</title>`,
      `<link rel="alternate" type="text/html" href="${escapeXml(it.url)}"/>`,
      `<published>${d}</published>`,
      `<updated>${d}</updated>`,
      `<author><name>${escapeXml(it.author)}</name></author>`,
      ...it.categories.map((c) => `<category term="${escapeXml(c)}"/>`),
      `<summary type="text">${escapeXml(it.summary)}</summary>`,
      `<content type="html">${escapeXml(it.contentHtml)}</content>`,
      `</entry>`,
    );
  }
  out.push(`</feed>`, '');
  return out.join('\n');
}

function renderRdf(meta: SourceMeta, items: readonly BenchItem[]): string {
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">`,
    `<channel rdf:about="${meta.siteUrl}feed.rdf">`,
    `<title>${escapeXml(meta.name)}</title>`,
    `<link>${meta.siteUrl}</link>`,
    `<description>Latest news from ${escapeXml(meta.name)}</description>`,
    `<items><rdf:Seq>`,
    ...items.map((it) => `<rdf:li rdf:resource="${escapeXml(it.url)}"/>`),
    `</rdf:Seq></items>`,
    `</channel>`,
  ];
  for (const it of items) {
    out.push(
      `<item rdf:about="${escapeXml(it.url)}">`,
      `<title>${escapeXml(it.title)}</title>`,
      `<link>${escapeXml(it.url)}</link>`,
      `<description>${escapeXml(it.summary)}</description>`,
      `<dc:date>${it.published.toISOString()}</dc:date>`,
      `<dc:creator>${escapeXml(it.author)}</dc:creator>`,
      ...it.categories.map((c) => `<dc:subject>${escapeXml(c)}</dc:subject>`),
      `<content:encoded>${escapeXml(it.contentHtml)}</content:encoded>`,
      `</item>`,
    );
  }
  out.push(`</rdf:RDF>`, '');
  return out.join('\n');
}

function renderJson(meta: SourceMeta, items: readonly BenchItem[]): string {
  return JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: meta.name,
      home_page_url: meta.siteUrl,
      feed_url: `${meta.siteUrl}feed.json`,
      language: 'en',
      items: items.map((it) => ({
        id: it.guid,
        url: it.url,
        title: it.title,
        summary: it.summary,
        content_html: it.contentHtml,
        date_published: it.published.toISOString(),
        authors: [{ name: it.author }],
        tags: it.categories,
      })),
    },
    null,
    1,
  );
}

function newestFirst(a: BenchItem, b: BenchItem): number {
  return b.published.getTime() - a.published.getTime() || (a.guid < b.guid ? -1 : 1);
}

function shuffled<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

function escapeXml(text: string): string {
  // XML 1.0 §2.2: these characters cannot appear in a document at all
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

function slugOf(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'story';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function firstWordsOf(text: string, n: number): string {
  return text.split(/\s+/).filter(Boolean).slice(0, n).join(' ');
}
