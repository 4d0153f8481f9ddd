import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const PYTHON = '/usr/bin/python3';
const FEEDPARSER_SCRIPT = join(import.meta.dirname, 'feedparser-read.py');

/** Returns whether Debian's python3 can import feedparser. */
export function hasFeedparser(): boolean {
  const result = spawnSync(PYTHON, ['-c', 'import feedparser'], { encoding: 'utf8', timeout: 20_000 });
  return result.error === undefined && result.status === 0;
}

/** What feedparser saw in a feed. */
export interface FeedparserResult {
  bozo: boolean;
  bozo_exception: string;
  version: string;
  status: number | null;
  etag: string | null;
  modified: string | null;
  title: string | null;
  entries: {
    id: string;
    title: string;
    updated: string;
    links: { rel: string; href: string; title: string | null }[];
    content: string | null;
  }[];
}

/** Fetches and parses the URL with feedparser (optionally conditional, with an ETag and/or Last-Modified). */
export async function readWithFeedparser(
  url: string,
  validators: { etag?: string | null; modified?: string | null } = {},
): Promise<FeedparserResult> {
  // Asynchronous on purpose: the loopback server runs in this process and must answer while Python waits.
  const { spawn } = await import('node:child_process');
  const child = spawn(PYTHON, [FEEDPARSER_SCRIPT, url, validators.etag ?? '', validators.modified ?? ''], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`feedparser exited ${code}: ${err}`);
  return JSON.parse(out) as FeedparserResult;
}

/** Returns whether newsboat runs. */
export function hasNewsboat(): boolean {
  const result = spawnSync('newsboat', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return result.error === undefined && result.status === 0;
}

/** A newsboat with its own HOME, urls file, config and cache in `home`. */
export interface Newsboat {
  cachePath: string;
  /** Runs `newsboat -x reload` (non-interactive) and resolves when it exits. */
  reload(): Promise<void>;
  /** Returns the items of newsboat's SQLite cache. */
  items(): { guid: string; title: string; url: string; pubDate: number; content: string }[];
}

/** Returns a newsboat subscribed to `feedUrls`, isolated in `home` (created if needed). */
export function makeNewsboat(home: string, feedUrls: string[]): Newsboat {
  mkdirSync(home, { recursive: true });
  const urlsPath = join(home, 'urls');
  const configPath = join(home, 'config');
  const cachePath = join(home, 'cache.db');
  writeFileSync(urlsPath, `${feedUrls.join('\n')}\n`);
  // Quiet and local: no pager, no notifications, no HTTP proxy from the environment.
  writeFileSync(configPath, 'reload-threads 1\nshow-read-feeds yes\n');
  return {
    cachePath,
    async reload() {
      const { spawn } = await import('node:child_process');
      const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'dumb' };
      const child = spawn('newsboat', ['-u', urlsPath, '-c', cachePath, '-C', configPath, '-x', 'reload'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (code !== 0) throw new Error(`newsboat exited ${code}: ${err}`);
    },
    items() {
      const db = new Database(cachePath, { readonly: true, fileMustExist: true });
      try {
        return db
          .prepare('SELECT guid, title, url, pubDate, content FROM rss_item WHERE deleted = 0 ORDER BY id')
          .all() as ReturnType<Newsboat['items']>;
      } finally {
        db.close();
      }
    },
  };
}
