import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { OutputServer } from '../../src/serve/serve-output.js';
import { DEMO_CONFIG, REPO_ROOT } from '../support/demo-config.js';
import { serveDemo } from './support/demo-server.js';
import { serveStories, type StoryServer } from './support/big-story-server.js';
import { makeBigStory, makeGoldenStories } from '../fixtures/render/story-views.js';
import { skipReason, withSkipReason } from '../support/skip-reason.js';

const CHROMIUM = '/usr/bin/chromium';
// The CI flags: no sandbox (containers), no GPU, and nothing that phones home (no network beyond the loopback server).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const playwright = await import('playwright-core').catch(() => undefined);
const canRun = existsSync(CHROMIUM) && playwright !== undefined;
const SCREENSHOT_DIR = join(REPO_ROOT, 'output');

interface BrowserWindow {
  innerWidth: number;
  document: { documentElement: { scrollWidth: number }; querySelector(selector: string): unknown };
  getComputedStyle(element: unknown): { fontSize: string };
}

const noChromium = skipReason(!canRun, existsSync(CHROMIUM) ? 'playwright-core cannot be loaded' : `no Chromium at ${CHROMIUM} (apt-get install chromium)`);
describe.skipIf(noChromium !== null)(withSkipReason('the HTML page in headless Chromium', noChromium), () => {
  let server: OutputServer;
  let context: BrowserContext;
  let userDataDir: string;
  const external: string[] = [];

  beforeAll(async () => {
    ({ server } = await serveDemo());
    userDataDir = mkdtempSync(join(tmpdir(), 'storyfeed-chromium-'));
    context = await playwright!.chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1000, height: 1400 },
    });
    // No test touches the internet: every request off the loopback server is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) return route.continue();
      external.push(url);
      return route.abort();
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  async function openPage(viewport: { width: number; height: number }): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    const response = await page.goto(server.url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    return page;
  }

  it('renders every story of the demo with its outlets, links and feed discovery', async () => {
    const page = await openPage({ width: 1000, height: 1400 });
    expect(await page.title()).toBe('storyfeed demo: one entry per story');
    const stories = page.locator('article.story');
    expect(await stories.count()).toBe(12);

    // The seed story: one article listing all five outlets, each linked with its headline.
    const seed = stories.filter({ hasText: /run the jewels/i });
    expect(await seed.count()).toBe(1);
    expect(await seed.locator('.count').innerText()).toBe('5 outlets');
    const outletLinks = seed.locator('ul.sources li');
    expect(await outletLinks.count()).toBe(5);
    for (const source of DEMO_CONFIG.sources) {
      const row = outletLinks.filter({ hasText: source.name });
      expect(await row.count()).toBe(1);
      const href = await row.locator('a').getAttribute('href');
      expect(href).toMatch(/^https:\/\//);
      expect(href).not.toMatch(/utm_/);
      expect((await row.locator('a').innerText()).length).toBeGreaterThan(5);
    }
    expect(await seed.locator('h2 a').getAttribute('href')).toMatch(/^https:\/\//);
    expect(await seed.locator('time').first().getAttribute('datetime')).toMatch(/^2015-03-\d\dT/);

    // Newest changed first: the times in the story headers never increase down the page.
    const times = await stories.locator('.meta time').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime') ?? ''));
    expect(times).toHaveLength(12);
    expect([...times].sort().reverse()).toEqual(times);

    // Feed autodiscovery: the alternate links resolve to the served feeds.
    const alternates = await page.locator('head link[rel="alternate"]').evaluateAll((nodes) =>
      nodes.map((n) => ({ type: n.getAttribute('type'), href: (n as unknown as { href: string }).href })),
    );
    expect(alternates).toEqual([
      { type: 'application/atom+xml', href: `${server.url}feed.atom` },
      { type: 'application/feed+json', href: `${server.url}feed.json` },
    ]);
    const atom = await page.request.get(alternates[0]!.href);
    expect(atom.headers()['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(await atom.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');

    // A static page: no script runs, and nothing was loaded from anywhere but the server.
    expect(await page.locator('script').count()).toBe(0);
    expect(external).toEqual([]);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    // The first screen (what docs/screenshot.png shows) and the whole page, for review.
    const path = join(SCREENSHOT_DIR, 'screenshot.png');
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'screenshot-full.png'), fullPage: true });
    await page.close();
  });

  it('is readable on a phone: viewport meta, no horizontal scrolling, legible text', async () => {
    const page = await openPage({ width: 375, height: 812 });
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('width=device-width');
    const layout = await page.evaluate(() => {
      // Runs in the page; the project compiles without the DOM lib, so the few browser globals used are typed here.
      const w = globalThis as unknown as BrowserWindow;
      const fontSize = (selector: string) => parseFloat(w.getComputedStyle(w.document.querySelector(selector)).fontSize);
      return {
        scrollWidth: w.document.documentElement.scrollWidth,
        innerWidth: w.innerWidth,
        fontSize: fontSize('.sources li'),
        headingSize: fontSize('.story h2'),
      };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.fontSize).toBeGreaterThanOrEqual(14);
    expect(layout.headingSize).toBeGreaterThan(layout.fontSize);
    const path = join(SCREENSHOT_DIR, 'screenshot-phone.png');
    await page.screenshot({ path, fullPage: false });
    expect(statSync(path).size).toBeGreaterThan(5_000);
    await page.close();
  });
});

describe.skipIf(noChromium !== null)(withSkipReason('a big story (200 articles from 80 outlets) on the page in headless Chromium', noChromium), () => {
  let stories: StoryServer;
  let context: BrowserContext;
  let userDataDir: string;
  const external: string[] = [];

  beforeAll(async () => {
    stories = await serveStories([makeBigStory().view, ...makeGoldenStories()]);
    userDataDir = mkdtempSync(join(tmpdir(), 'storyfeed-chromium-big-'));
    context = await playwright!.chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(stories.server.url)) return route.continue();
      external.push(url);
      return route.abort();
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await stories?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('shows 12 outlets and opens the other 68 without a script, every outlet linked once', async () => {
    const { outletOrder, bestBySource } = makeBigStory();
    const page = await context.newPage();
    await page.setViewportSize({ width: 1000, height: 1400 });
    expect((await page.goto(stories.server.url, { waitUntil: 'load' }))?.status()).toBe(200);
    const story = page.locator('#story-big01');
    expect(await story.locator('.count').innerText()).toBe('80 outlets');
    expect(await story.locator('.total').innerText()).toBe('200 articles');
    const shown = story.locator('ul.sources').first().locator('li');
    expect(await shown.count()).toBe(12);
    const more = story.locator('details.more');
    expect(await more.locator('summary').innerText()).toBe('+68 more outlets');
    // Closed, the story's card stays within one screen and the other outlets take no room.
    expect(await more.locator('li').first().isVisible()).toBe(false);
    const closedHeight = (await story.boundingBox())!.height;
    expect(closedHeight).toBeLessThan(1200);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, 'screenshot-big-story.png');
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);

    await more.locator('summary').click();
    expect(await more.locator('li').count()).toBe(68);
    expect(await more.locator('li').last().isVisible()).toBe(true);
    expect((await story.boundingBox())!.height).toBeGreaterThan(closedHeight + 68 * 15);
    const hrefs = await story.locator('ul.sources li a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(outletOrder.map((sourceId) => bestBySource.get(sourceId)!.url));
    await story.screenshot({ path: join(SCREENSHOT_DIR, 'screenshot-big-story-open.png') });
    expect(external).toEqual([]);
    await page.close();
  });

  it('fits a phone: no horizontal scrolling despite a very long outlet name, headline and URL', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(stories.server.url, { waitUntil: 'load' });
    await page.locator('#story-big01 details.more summary').click();
    const layout = await page.evaluate(() => {
      const w = globalThis as unknown as BrowserWindow;
      return { scrollWidth: w.document.documentElement.scrollWidth, innerWidth: w.innerWidth };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    const longRow = page.locator('#story-big01 li', { hasText: 'The Northern Provinces Evening Chronicle' });
    expect(await longRow.count()).toBe(1);
    expect((await longRow.boundingBox())!.width).toBeLessThanOrEqual(375);
    const path = join(SCREENSHOT_DIR, 'screenshot-big-story-phone.png');
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(5_000);
    await page.close();
  });
});
