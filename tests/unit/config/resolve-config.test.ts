import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyEnv } from '../../../src/config/config-from-env.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

const minimal = () => ({ sources: [{ id: 'a', name: 'Outlet A', url: 'sources/a.xml' }] });

function problemsOf(raw: unknown): string[] {
  try {
    resolveConfig(raw, '/srv/storyfeed/config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('fills defaults and resolves paths against the config file', () => {
    const c = resolveConfig(minimal(), '/srv/storyfeed/config.json');
    expect(c.sources).toEqual([{ id: 'a', name: 'Outlet A', url: '/srv/storyfeed/sources/a.xml', priority: 0 }]);
    expect(c.schedule).toEqual({ cron: '*/30 * * * *', timezone: 'UTC' });
    expect(c.output.feedPath).toBe('/srv/storyfeed/output/feed.atom');
    expect(c.output.statusPath).toBe('/srv/storyfeed/output/status.json');
    expect(c.store.path).toBe('/srv/storyfeed/state/storyfeed.db');
    expect(c.store.lockPath).toBe('/srv/storyfeed/state/storyfeed.db.lock');
    expect(c.fetch.timeoutMs).toBe(20_000);
    expect(c.fetch.maxBytes).toBe(10 * 1024 * 1024);
    // No guessed project URL (#14.12): the contact URL appears only when the operator sets fetch.contactUrl.
    expect(c.fetch.userAgent).toMatch(/^storyfeed\/\d+\.\d+\.\d+$/);
    expect(
      resolveConfig({ ...minimal(), fetch: { contactUrl: 'mailto:ops@example.org' } }, '/etc/storyfeed/config.json')
        .fetch.userAgent,
    ).toMatch(/^storyfeed\/\d+\.\d+\.\d+ \(\+mailto:ops@example\.org\)$/);
    expect(c.cluster.windowHours).toBe(72);
  });

  it('keeps http(s) source URLs and converts file: URLs to paths', () => {
    const c = resolveConfig(
      {
        sources: [
          { id: 'h', name: 'H', url: 'https://example.org/feed.xml' },
          { id: 'f', name: 'F', url: 'file:///data/f.xml' },
        ],
      },
      '/x/config.json',
    );
    expect(c.sources.map((s) => s.url)).toEqual(['https://example.org/feed.xml', '/data/f.xml']);
  });

  it.each([
    [{ sources: [] }, ['sources: must list at least one source']],
    [
      { sources: [{ id: 'a', name: 'A', url: 'ftp://x/y' }] },
      ['sources[0].url: must be an http(s) URL or a file path'],
    ],
    [
      { sources: [{ id: 'Bad Id', name: 'A', url: 'a.xml' }] },
      [expect.stringMatching(/^sources\[0\]\.id: must be 1-64 characters/)],
    ],
    [
      { ...minimal(), schedule: { cron: 'every day' } },
      [expect.stringMatching(/^schedule\.cron: is not a valid cron expression/)],
    ],
    [
      { ...minimal(), schedule: { timezone: 'Mars/Olympus' } },
      [expect.stringMatching(/^schedule\.timezone: is not a known IANA time zone/)],
    ],
    [{ ...minimal(), output: { maxStories: 0 } }, [expect.stringMatching(/^output\.maxStories: /)]],
    [{ ...minimal(), outptu: {} }, ['(root): unknown key "outptu"']],
  ])('reports %j as %j', (raw, expected) => {
    expect(problemsOf(raw)).toEqual(expected);
  });

  it('names every problem at once, with its key', () => {
    const problems = problemsOf({
      sources: [
        { id: 'a', name: 'A', url: 'a.xml' },
        { id: 'b', name: '', url: 'b.xml' },
        { id: 'a', name: 'Again', url: 'mailto:x@y' },
      ],
      fetch: { timeoutMs: -1 },
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toContain('sources[1].name: must not be empty');
    expect(problems.join('\n')).toContain('sources[2].id: duplicates sources[0].id "a"');
    expect(problems.join('\n')).toContain('fetch.timeoutMs:');
    expect(problems.some((p) => p.startsWith('sources[2].url'))).toBe(true);
  });
});

describe('resolveConfig sanity (issue #15)', () => {
  it.each([
    [{ ...minimal(), store: { retentionDays: 1e-300 } }, ['store.retentionDays: must be at least 1 (day)']],
    [{ ...minimal(), store: { retentionDays: 0.5 } }, ['store.retentionDays: must be at least 1 (day)']],
    [
      { ...minimal(), schedule: { cron: '* * * * * *' } },
      [expect.stringMatching(/^schedule\.cron: fires more than once a minute \(seconds field "\*"\).*allowSubMinute/)],
    ],
    [
      { ...minimal(), schedule: { cron: '*/10 * * * * *' } },
      [expect.stringMatching(/^schedule\.cron: fires more than once a minute/)],
    ],
    [
      { ...minimal(), schedule: { cron: '0,30 * * * * *' } },
      [expect.stringMatching(/^schedule\.cron: fires more than once a minute/)],
    ],
  ])('reports %j as %j', (raw, expected) => {
    expect(problemsOf(raw)).toEqual(expected);
  });

  it.each([
    ['a whole day', { store: { retentionDays: 1 } }],
    ['every minute', { schedule: { cron: '* * * * *' } }],
    ['at second 15 of every minute', { schedule: { cron: '15 * * * * *' } }],
    ['every second, forced', { schedule: { cron: '* * * * * *', allowSubMinute: true } }],
  ])('accepts %s', (_name, extra) => {
    expect(() => resolveConfig({ ...minimal(), ...extra }, '/srv/storyfeed/config.json')).not.toThrow();
  });

  it('refuses the same feed under two ids, naming both', () => {
    const problems = problemsOf({
      sources: [
        { id: 'first', name: 'A', url: 'https://News.example/feed.xml' },
        { id: 'other', name: 'B', url: 'https://example.org/x' },
        { id: 'again', name: 'C', url: 'https://news.example:443/feed.xml#top' },
        { id: 'file-a', name: 'D', url: 'feeds/a.xml' },
        { id: 'file-b', name: 'E', url: '/srv/storyfeed/feeds/a.xml' },
      ],
    });
    expect(problems).toEqual([
      'sources[2].url: the same feed as sources[0] ("again" and "first"): its articles would be listed twice; keep one of them',
      'sources[4].url: the same feed as sources[3] ("file-b" and "file-a"): its articles would be listed twice; keep one of them',
    ]);
  });
});

describe('loadConfig', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'storyfeed-config-'));

  it('refuses a missing file with a ConfigError', async () => {
    await expect(loadConfig(join(dir(), 'nope.json'))).rejects.toThrow(/file not found/);
  });

  it('refuses invalid JSON with a ConfigError', async () => {
    const path = join(dir(), 'config.json');
    writeFileSync(path, '{"sources": [');
    await expect(loadConfig(path)).rejects.toBeInstanceOf(ConfigError);
    await expect(loadConfig(path)).rejects.toThrow(/not valid JSON/);
  });

  it('loads a valid file', async () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify(minimal()));
    const c = await loadConfig(join(d, 'config.json'));
    expect(c.sources[0]!.url).toBe(join(d, 'sources/a.xml'));
  });
});

describe('applyEnv', () => {
  const schema = z.strictObject({
    sources: z.array(z.unknown()),
    demo: z
      .strictObject({ on: z.boolean().default(false), n: z.number().default(1), s: z.string().optional() })
      .prefault({}),
  });

  it("reads numbers, booleans and strings by the schema's type, and names a bad value by its variable", () => {
    const { raw, problems } = applyEnv(
      { sources: [] },
      { STORYFEED_DEMO_ON: 'true', STORYFEED_DEMO_N: '7', STORYFEED_DEMO_S: 'x' },
      schema,
    );
    expect(problems).toEqual([]);
    expect(raw).toEqual({ sources: [], demo: { on: true, n: 7, s: 'x' } });
    expect(applyEnv({}, { STORYFEED_DEMO_ON: 'yes' }, schema).problems).toEqual([
      'STORYFEED_DEMO_ON: must be true or false, got "yes"',
    ]);
    expect(applyEnv({}, { STORYFEED_DEMO_N: '7 items' }, schema).problems).toEqual([
      'STORYFEED_DEMO_N: must be a number, got "7 items"',
    ]);
  });
});
