// The shared vocabulary of the pipeline. Raw types (ParsedFeed, ParsedEntry) come out of parse/,
// model types (Item, Story) come out of normalize/ and cluster/; they meet in one adapter
// (normalize/normalize-feed.ts).

/** A feed the user follows, as resolved from config.json. */
export interface Source {
  /** Stable, user-chosen id (`[a-z0-9-]+`). Items and state are keyed by it. */
  id: string;
  /** Display name of the outlet, shown in the merged feed. */
  name: string;
  /** Absolute http(s) URL, or an absolute file path (relative paths are resolved against the config file). */
  url: string;
  /** Higher wins when choosing a story's representative article (default 0). */
  priority: number;
  /** The reader's folder for it (OPML folders, nested ones joined with " / "): a category of each of its articles. */
  category?: string;
  /** The site's page (OPML htmlUrl). */
  siteUrl?: string;
}

/** What the fetch stage hands on: bytes plus what the transport said about them. */
export interface FetchedDocument {
  /** The URL or file path finally read (after redirects). */
  url: string;
  /** HTTP status (200 for files). */
  status: number;
  /** Response headers, lower-case names (empty for files). */
  headers: Record<string, string>;
  body: Uint8Array;
  /** `Content-Type` charset parameter, if any. */
  contentTypeCharset?: string;
  durationMs: number;
  /** Redirect hops followed to reach `url`, in order (absent when there were none). */
  redirects?: { status: number; from: string; to: string }[];
}

/** Decoded text plus how the encoding was chosen. */
export interface DecodedDocument {
  text: string;
  encoding: string;
  /** Where the encoding came from. */
  encodingSource: 'bom' | 'http' | 'prolog' | 'default' | 'sniffed';
}

type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

export interface ParsedLink {
  href: string;
  rel?: string;
  type?: string;
  title?: string;
  length?: number;
  /** Language of the linked resource (Atom `hreflang`). */
  hreflang?: string;
}

export interface ParsedPerson {
  name?: string;
  email?: string;
  uri?: string;
}

/** A text construct as the feed gave it: `html` content is (possibly escaped) markup, `text` is plain. */
export interface ParsedText {
  value: string;
  type: 'text' | 'html' | 'xhtml';
  /** xml:base declared on this construct (or its xhtml div), resolved against the enclosing base when possible. */
  base?: string;
  /** xml:lang declared on this construct (or its xhtml div); otherwise the entry's or feed's language applies. */
  language?: string;
  /**
   * True when `value` is exact text decoded from base64 (RFC 4287 §4.1.3.3, Atom 0.3 `mode="base64"`), not XML
   * character data: no entity decoding applies to it.
   */
  verbatim?: boolean;
}

/**
 * A category as the feed gave it: Atom `term`/`scheme`/`label`, RSS `<category domain>` text/domain, dc:subject text.
 */
export interface ParsedCategory {
  term: string;
  scheme?: string;
  label?: string;
}

/** The software that produced a feed (Atom `<generator uri version>`, RSS `<generator>`). */
export interface ParsedGenerator {
  name?: string;
  uri?: string;
  version?: string;
}

/** The feed an entry was copied from (Atom `<source>`, RSS `<source url>`). */
export interface ParsedSource {
  /** atom:id of the source feed. */
  id?: string;
  title?: string;
  /** The source's home page (alternate link). */
  link?: string;
  /** The source feed's own URL (Atom rel=self, RSS `<source url>`). */
  url?: string;
}

/** One entry as the feed library gave it, before any cleaning. Dates are the raw strings. */
export interface ParsedEntry {
  /** guid / atom:id / JSON Feed id, raw. */
  id?: string;
  title?: ParsedText;
  /** Every link of the entry (RSS <link> becomes rel=alternate). */
  links: ParsedLink[];
  authors: ParsedPerson[];
  published?: string;
  updated?: string;
  summary?: ParsedText;
  content?: ParsedText;
  categories: string[];
  /** The categories with their parts (term, scheme, label), in document order, when the format has them. */
  tags?: ParsedCategory[];
  language?: string;
  /** xml:base in effect for this entry, if the document declared one. */
  base?: string;
  /** RSS `<guid isPermaLink>`: false when the feed says the guid is not the item's URL. */
  guidIsPermaLink?: boolean;
  /** Atom `<contributor>`s (and dc:contributor), apart from the authors. */
  contributors?: ParsedPerson[];
  /** The feed the entry was copied from, when it says so. */
  source?: ParsedSource;
  /** URL of the entry's own image (itunes:image / itunes:link rel="image" on the item: episode art). */
  image?: string;
}

/** A feed as parsed, format-independent, before normalisation. */
export interface ParsedFeed {
  format: FeedFormat;
  /** e.g. "2.0", "1.0", "0.3", "1.1" */
  version?: string;
  title?: string;
  /** The site's home page (alternate link). */
  link?: string;
  /** The feed's own URL if it declares one (rel=self / feed_url). */
  selfUrl?: string;
  language?: string;
  updated?: string;
  base?: string;
  entries: ParsedEntry[];
  /** Set when the document was malformed and recovered by a lenient path. */
  recovered?: boolean;
  /** Entries the document listed, when more than the per-document cap were (only the first `entries` were read). */
  entriesListed?: number;
  /** The title as a text construct (with its type), when the format says whether it is markup. */
  titleText?: ParsedText;
  /** Feed-level authors (Atom feed authors, RSS managingEditor / dc:creator / itunes:author, JSON Feed authors). */
  authors?: ParsedPerson[];
  /** The feed's own id (atom:id), raw. */
  id?: string;
  /** What the feed says it is about: Atom subtitle / 0.3 tagline, RSS and JSON Feed description. */
  subtitle?: ParsedText;
  /** Copyright statement: Atom rights / 0.3 copyright, RSS copyright, dc:rights. */
  rights?: ParsedText;
  generator?: ParsedGenerator;
  /** URL of the feed's image: Atom logo, RSS `<image><url>`, itunes:image, JSON Feed icon. */
  image?: string;
  /** URL of a small square icon: Atom icon, JSON Feed favicon. */
  icon?: string;
  /** Every feed-level link (Atom links; RSS `<link>` as rel=alternate plus atom:link). */
  links?: ParsedLink[];
  /** Feed-level contributors (Atom `<contributor>`, dc:contributor). */
  contributors?: ParsedPerson[];
  /** Feed-level categories. */
  tags?: ParsedCategory[];
}

/** Where an item's date came from (first hit of the fallback chain). */
export type DateSource = 'published' | 'updated' | 'fetched' | 'none';

/** One article, normalised. The unit everything downstream works on. */
export interface Item {
  /** Stable id: sha-based, derived from source id + the entry's guid (or canonical URL, or title+date). */
  id: string;
  sourceId: string;
  sourceName: string;
  /** The entry's own id as the feed gave it (guid/atom:id), if any. */
  guid: string | null;
  /** Canonical article URL: absolute, tracking parameters removed; null when the entry has none. */
  url: string | null;
  /** Plain text. Never empty: falls back to the summary's first words, then "(untitled)". */
  title: string;
  /** Plain text, whitespace-collapsed, at most 300 characters (cut at a word boundary with "…"). */
  summary: string;
  /** Sanitised HTML (no scripts, handlers, javascript: URLs; relative URLs resolved). */
  contentHtml: string;
  /** Plain text of the content, for clustering. */
  contentText: string;
  authors: string[];
  categories: string[];
  /** ISO 8601 UTC (`2015-03-27T11:29:00.000Z`) or null. */
  published: string | null;
  updated: string | null;
  /** The date used for ordering: published ?? updated ?? the time it was first fetched (see dateSource). */
  date: string | null;
  dateSource: DateSource;
  language: string | null;
}

/** An item's membership in a story, with the evidence for it. */
export interface StoryMember {
  itemId: string;
  /** Similarity to the story when the item joined (1 for the founding item). */
  score: number;
  /** Top shared terms that justified the join (empty for the founding item). */
  terms: string[];
}

/** A story: articles from one or more outlets about the same event. */
export interface Story {
  /** Minted once (`urn:uuid:…`-free short id), stored, never derived from changing text. */
  id: string;
  members: StoryMember[];
  /** The item whose headline and link represent the story. */
  representativeItemId: string;
  /** ISO UTC: when the story first appeared (earliest member date, else first-seen time). */
  published: string;
  /** ISO UTC: when the story last changed (a member joined, the headline changed). */
  updated: string;
}

/** Per-source result of one run, written to status.json. */
export interface SourceOutcome {
  sourceId: string;
  sourceName: string;
  url: string;
  /** `skipped`: not polled this run (back-off, Retry-After, minimum interval, 410 Gone, run budget); see skipReason. */
  status: 'ok' | 'not-modified' | 'failed' | 'skipped';
  /** Items in the document this run. */
  itemsSeen: number;
  /** Items not stored before this run. */
  newItems: number;
  /** Typed error code (e.g. `fetch/http-status`) and message, when failed. */
  error: { code: string; message: string; stage: string } | null;
  /** Non-fatal notes, e.g. "malformed feed, recovered 3 items". */
  warnings: string[];
  durationMs: number;
  /** Why a `skipped` source was not polled. */
  skipReason?: 'back-off' | 'retry-after' | 'min-interval' | 'gone' | 'run-budget';
  /** ISO UTC: the earliest time the source will be polled again, when that is later than the next run. */
  nextPollAt?: string;
  /** The URL fetched when it is not the configured one (a promoted permanent redirect). */
  fetchUrl?: string;
}

/** What one run did: the summary line and status.json come from this. */
export interface RunReport {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  sources: SourceOutcome[];
  items: number;
  newItems: number;
  stories: number;
  feedWritten: boolean;
  feedChanged: boolean;
  outputPath: string;
  /**
   * Milliseconds per stage: fetch/parse/normalize summed over sources, readWall/store/cluster/render/write wall times
   * (store includes the storing done as each source arrived, which readWall also counts).
   */
  stageMs?: Record<'fetch' | 'parse' | 'normalize' | 'readWall' | 'store' | 'cluster' | 'render' | 'write', number>;
  /**
   * The process's peak resident memory in MB (its maxRSS, so what came before the run counts too): once the read phase
   * had ended, and once the run had. Tells which phase a run's peak was in (issue #16).
   */
  peakRssMb?: { read: number; run: number };
}

/**
 * An item as the renderers read it: everything but its plain text, which no output shows (titles and summaries are
 * their own fields). The race corpus's feed of 100 stories has 1,461 member items and 6.5 MB of text (issue #16).
 */
export type ViewItem = Omit<Item, 'contentText'>;

/** A story with its member items resolved, as the renderers need it. */
export interface StoryView {
  story: Story;
  /** Member items, in the order they joined the story. */
  items: ViewItem[];
  /** The representative item (also in `items`). */
  representative: ViewItem;
}

/** Feed-level metadata for the renderers. */
export interface FeedMeta {
  /** Atom feed id (an IRI, e.g. `urn:storyfeed:demo` or the public URL). */
  id: string;
  title: string;
  subtitle?: string;
  /** Public URL of the feed itself (rel="self"). */
  selfUrl: string;
  /** Public URL of the HTML page (rel="alternate"), if any. */
  siteUrl?: string;
  author: string;
  generator: { name: string; version: string; uri: string };
}
