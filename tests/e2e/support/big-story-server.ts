import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../src/lib/logger.js';
import type { StoryView } from '../../../src/model.js';
import { renderAtom } from '../../../src/render/render-atom.js';
import { renderHtmlPage } from '../../../src/render/render-html-page.js';
import { renderJsonFeed } from '../../../src/render/render-json-feed.js';
import { serveOutput, type OutputServer } from '../../../src/serve/serve-output.js';
import { makeFeedMeta } from '../../fixtures/render/story-views.js';

const RENDERED_AT = new Date('2024-06-01T00:00:00.000Z');

/** A loopback server over a temp output directory whose feeds and page are rendered from given story views. */
export interface StoryServer {
  server: OutputServer;
  /** Renders the views into feed.atom, feed.json and index.html, as a run writes them. */
  write(views: StoryView[]): void;
  close(): Promise<void>;
}

/**
 * Starts a StoryServer on 127.0.0.1, port 0, with the views rendered (the feeds' self and page URLs are the server's).
 */
export async function serveStories(views: StoryView[]): Promise<StoryServer> {
  const dir = mkdtempSync(join(tmpdir(), 'storyfeed-big-story-'));
  const server = await serveOutput({ dir, host: '127.0.0.1', port: 0 }, { logger: silentLogger });
  const meta = makeFeedMeta({ selfUrl: `${server.url}feed.atom`, siteUrl: server.url });
  const write = (next: StoryView[]) => {
    writeFileSync(join(dir, 'feed.atom'), renderAtom(next, meta, RENDERED_AT));
    writeFileSync(
      join(dir, 'feed.json'),
      renderJsonFeed(next, { ...meta, selfUrl: `${server.url}feed.json` }, RENDERED_AT),
    );
    writeFileSync(join(dir, 'index.html'), renderHtmlPage(next, meta, RENDERED_AT));
  };
  write(views);
  return {
    server,
    write,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
