// Issue #14 "Run it on a server for a year": one describe per numbered problem, each failing before its fix.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir, type NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS, EXIT, main } from '../../src/cli/main.js';
import { envSettings } from '../../src/config/config-from-env.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createMemoryLogger, silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { openStore } from '../../src/store/open-store.js';
import { VERSION } from '../../src/lib/version.js';
import { assessHealth, type RunRecord } from '../../src/serve/assess-health.js';
import { serveOutput } from '../../src/serve/serve-output.js';
import { selfUrlMismatch, usableUrls } from '../../src/serve/usable-urls.js';
import { parseOpmlSubscriptions } from '../../src/subscriptions/opml.js';
import { DEMO_CONFIG, REPO_ROOT, writeTempConfig } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';
import { runBin } from '../support/run-bin.js';
import { staleReason } from '../../tools/build-if-stale.mjs';
import { summarizeTests } from '../summary-reporter.js';

describe('#14.2 output piped to a reader that stops early (| head)', () => {
  it('sources list and explain finish quietly with their own exit code, no EPIPE trace', async () => {
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    await runOnce(config, { logger: silentLogger });
    const seed = readAtom(readFileSync(config.output.feedPath, 'utf8')).entries.find((e) => e.related.length === 5)!;

    const list = await runBin(['sources', 'list', '--config', configPath], { closeStdout: true });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(EXIT.ok);

    const explain = await runBin(['explain', seed.id, '--config', configPath], { closeStdout: true });
    expect(explain.stderr).toBe('');
    expect(explain.code).toBe(EXIT.ok);
  });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback server answering every request with `status`; returns its base URL. */
async function serveStatus(status: number): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end('nope');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback server answering /feed.xml with a one-item RSS feed and anything else with 404; returns its base URL. */
async function serveFeed(): Promise<string> {
  const feed = readFileSync(join(REPO_ROOT, 'tests/fixtures/integration/one-new-item.xml'));
  const server = createServer((req, res) => {
    if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
    else res.writeHead(404).end('not here');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const demoSources = () => DEMO_CONFIG.sources.map((s) => ({ ...s, url: join(REPO_ROOT, s.url) }));

describe('#14.3 a run in which every source fails', () => {
  it('writes the feed but exits 3, and says so, also while the sources are in back-off', async () => {
    const base = await serveStatus(500);
    const { configPath } = writeTempConfig({}, [
      { id: 'broken', name: 'Broken', url: `${base}/feed.xml` },
      { id: 'missing', name: 'Missing', url: join(REPO_ROOT, 'tests/fixtures/no-such-file.xml') },
    ]);
    const first = capture();
    expect(await main(['run', '--config', configPath], first.io)).toBe(EXIT.sourcesFailed);
    expect(EXIT.sourcesFailed).toBe(3);
    expect(existsSync((await loadConfig(configPath)).output.feedPath)).toBe(true);
    expect(first.out()).toMatch(/from 0\/2 sources/);
    expect(first.err()).toContain('every source failed');
    const second = capture();
    expect(await main(['run', '--config', configPath], second.io)).toBe(EXIT.sourcesFailed);
    expect(second.out()).toMatch(/from 0\/2 sources \(0 new items, 1 failed, 1 skipped/);
    expect(second.out()).toMatch(/^ {2}skipped \(in back-off until .*\): broken: fetch: HTTP 500/m);
  });
});

describe('#14.4 the run summary and sources in back-off', () => {
  it('counts a source in back-off as failing and prints its last error', async () => {
    const base = await serveStatus(503);
    const { configPath } = writeTempConfig({}, [
      ...demoSources(),
      { id: 'down', name: 'Down', url: `${base}/feed.xml` },
    ]);
    const first = capture();
    expect(await main(['run', '--config', configPath], first.io)).toBe(EXIT.ok);
    expect(first.out()).toMatch(/12 stories from 5\/6 sources \(\d+ new items, 1 failed\)/);
    expect(first.out()).toMatch(/^ {2}failed: down: .*503/m);
    const second = capture();
    expect(await main(['run', '--config', configPath], second.io)).toBe(EXIT.ok);
    expect(second.out()).toMatch(/from 5\/6 sources \(0 new items, 1 skipped, feed unchanged\)/);
    expect(second.out()).toMatch(/^ {2}skipped \(in back-off until \d{4}-.*\): down: .*503/m);
  });

  it('the run finished log line counts skipped sources', async () => {
    const base = await serveStatus(503);
    const { configPath } = writeTempConfig({}, [
      ...demoSources(),
      { id: 'down', name: 'Down', url: `${base}/feed.xml` },
    ]);
    const config = await loadConfig(configPath);
    await runOnce(config, { logger: silentLogger });
    const logger = createMemoryLogger();
    await runOnce(config, { logger });
    expect(logger.records.find((r) => r.message === 'run finished')?.fields).toMatchObject({
      sources: 6,
      failed: 0,
      skipped: 1,
    });
  });
});

describe('#14.1 sources export when every source is a local file', () => {
  it('says in one line why there is nothing to export and how to fix it, no stack trace', async () => {
    const { configPath } = writeTempConfig();
    const r = await runBin(['sources', 'export', '--config', configPath]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^storyfeed: nothing to export: all 5 sources are local files .*storyfeed sources add URL/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('#14.6 per-command help', () => {
  it("prints each command's own help for `<command> --help`, naming every option it takes", async () => {
    for (const command of COMMANDS) {
      const c = capture();
      expect(await main([command.name, '--help'], c.io)).toBe(EXIT.ok);
      const text = c.out();
      expect(text).toMatch(new RegExp(`^Usage:\\s+storyfeed ${command.name}\\b`));
      expect(text).not.toContain('Commands:'); // not the global help
      expect(text).toMatch(/Exit codes: /);
      for (const option of Object.keys(command.options ?? {}))
        expect(text, `${command.name} --${option}`).toContain(`--${option}`);
    }
  });

  it('documents explain --json and the input format of cluster --in', async () => {
    const explain = capture();
    await main(['explain', '--help'], explain.io);
    expect(explain.out()).toMatch(/--json +print one JSON object/);
    const cluster = capture();
    await main(['cluster', '--help'], cluster.io);
    expect(cluster.out()).toMatch(/Input: JSON lines/);
    expect(cluster.out()).toContain('"id": "a1", "title"');
    expect(cluster.out()).toContain('Output: one line per article');
  });
});

describe('#14.9 config: comments, line:column, environment', () => {
  const jsonc = (sourcesJson: string) => `{
  // the shipped demo, with comments
  "sources": ${sourcesJson},
  /* block comments too */
  "log": { "level": "silent", },
}
`;

  it('accepts comments and trailing commas, and keeps them when sources are imported', async () => {
    const { dir } = writeTempConfig();
    const configPath = join(dir, 'commented.json');
    writeFileSync(configPath, jsonc(JSON.stringify(demoSources())));
    const config = await loadConfig(configPath);
    expect(config.sources).toHaveLength(5);
    const base = await serveFeed();
    const opml = join(dir, 'one.opml');
    writeFileSync(
      opml,
      `<opml version="2.0"><head><title>t</title></head><body><outline text="X" xmlUrl="${base}/feed.xml"/></body></opml>`,
    );
    expect(await main(['sources', 'import', opml, '--config', configPath], capture().io)).toBe(EXIT.ok);
    const after = readFileSync(configPath, 'utf8');
    expect(after).toContain('// the shipped demo, with comments');
    expect(after).toContain(`${base}/feed.xml`);
  });

  it('names a syntax error by file:line:column', async () => {
    const { dir } = writeTempConfig();
    const configPath = join(dir, 'broken.json');
    writeFileSync(configPath, '{\n  "sources": [],\n  "log": { "level": "info" }\n  "fetch": {}\n}\n');
    const c = capture();
    expect(await main(['run', '--config', configPath], c.io)).toBe(EXIT.usage);
    expect(c.err()).toContain(`${configPath}:4:3: not valid JSON: "," expected`);
  });

  it('takes every setting from STORYFEED_* variables over the file, names the variable of a bad value, and lets flags win', async () => {
    const { configPath } = writeTempConfig({ fetch: { timeoutMs: 20000 }, log: { level: 'silent' } });
    const config = await loadConfig(configPath, {
      STORYFEED_FETCH_TIMEOUT_MS: '1234',
      STORYFEED_OUTPUT_SELF_URL: 'https://news.example/feed.atom',
      STORYFEED_SERVE_PORT: '9000',
    });
    expect(config.fetch.timeoutMs).toBe(1234);
    expect(config.output.selfUrl).toBe('https://news.example/feed.atom');
    expect(config.serve.port).toBe(9000);
    await expect(loadConfig(configPath, { STORYFEED_FETCH_TIMEOUT_MS: '5' })).rejects.toThrow(
      /fetch\.timeoutMs: .*\(set by STORYFEED_FETCH_TIMEOUT_MS\)/,
    );
    await expect(loadConfig(configPath, { STORYFEED_FETCH_TIMEOUT_MS: 'soon' })).rejects.toThrow(
      /STORYFEED_FETCH_TIMEOUT_MS: must be a number/,
    );
    await expect(loadConfig(configPath, { STORYFEED_FETCH_TIMEOUTMS: '5000' })).rejects.toThrow(
      /STORYFEED_FETCH_TIMEOUTMS: no such setting/,
    );
    // The real process: the environment reaches the config, and --log-level beats STORYFEED_LOG_LEVEL.
    const bad = await runBin(['sources', 'list', '--config', configPath], { env: { STORYFEED_LOG_LEVEL: 'loud' } });
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain('(set by STORYFEED_LOG_LEVEL)');
    const run = await runBin(['run', '--config', configPath, '--log-level', 'silent'], {
      env: { STORYFEED_LOG_LEVEL: 'debug' },
    });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toBe('');
  });

  it('lists every environment variable in the README', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const setting of envSettings()) expect(readme, setting.name).toContain(setting.name);
  });
});

describe('#14.7 npm start builds only when src/ is newer than dist/', () => {
  const script = join(REPO_ROOT, 'tools/build-if-stale.mjs');
  const build = (root: string) => spawnSync(process.execPath, [script, root], { encoding: 'utf8' });

  it('is what npm start and npm run daemon run first', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.prestart).toBe('node tools/build-if-stale.mjs');
    expect(pkg.scripts.predaemon).toBe('node tools/build-if-stale.mjs');
  });

  it('builds a missing dist/, skips an up-to-date one, and rebuilds after a source changes', () => {
    const root = mkdtempSync(join(tmpdir(), 'storyfeed-build-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(
      join(root, 'tsconfig.build.json'),
      JSON.stringify({
        compilerOptions: { outDir: 'dist', rootDir: 'src', module: 'NodeNext', target: 'ES2022', types: [] },
        include: ['src'],
      }),
    );
    mkdirSync(join(root, 'src/cli'));
    writeFileSync(join(root, 'src/cli/main.ts'), 'export const answer: number = 42;\n');
    const first = build(root);
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('building dist/ (dist/ is missing)');
    expect(readFileSync(join(root, 'dist/cli/main.js'), 'utf8')).toContain('42');
    expect(readFileSync(join(root, 'dist/bundle/main.js'), 'utf8')).toContain('42');

    const second = build(root);
    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    expect(staleReason(root)).toBeNull();

    // A build an hour ago, and the source touched since, its text unchanged.
    const earlier = new Date(Date.now() - 3_600_000);
    for (const f of ['dist/cli/main.js', 'dist/bundle/main.js', 'dist/bundle/main.js.map', 'dist/.build-stamp'])
      utimesSync(join(root, f), earlier, earlier);
    expect(staleReason(root)).toBe('src/ is newer than dist/');
    expect(build(root).stderr).toContain('building dist/ (src/ is newer than dist/)');
    expect(staleReason(root)).toBeNull(); // the stamp covers outputs an incremental build did not rewrite

    // A source that does not compile: tsc still writes its output, but the build fails and the next start builds again
    // rather than running the bundle of the last good build.
    writeFileSync(join(root, 'src/cli/main.ts'), 'export const answer: number = "forty-three";\n');
    const failed = build(root);
    expect(failed.status).not.toBe(0);
    expect(readFileSync(join(root, 'dist/cli/main.js'), 'utf8')).toContain('forty-three');
    expect(readFileSync(join(root, 'dist/bundle/main.js'), 'utf8')).not.toContain('forty-three');
    expect(staleReason(root)).toBe('src/ is newer than dist/');
  }, 60_000);
});

describe('#14.10 explain shows words, not stems', () => {
  it('prints every shared term as a word the story\'s articles use ("violence", not "violenc")', async () => {
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    await runOnce(config, { logger: silentLogger });
    const seed = readAtom(readFileSync(config.output.feedPath, 'utf8')).entries.find((e) => e.related.length === 5)!;
    const c = capture();
    expect(await main(['explain', seed.id, '--config', configPath], c.io)).toBe(EXIT.ok);
    const shown = [...c.out().matchAll(/shared terms: (.+)$/gm)].flatMap((m) => m[1]!.split(', '));
    expect(shown.length).toBeGreaterThan(5);
    expect(shown).toContain('violence');
    expect(shown).not.toContain('violenc');

    const json = capture();
    await main(['explain', seed.id, '--json', '--config', configPath], json.io);
    const members = (JSON.parse(json.out()) as { members: { itemId: string }[] }).members;
    const store = openStore(config.store.path);
    const text = store
      .getItems(members.map((m) => m.itemId))
      .map((i) => `${i.title} ${i.summary} ${i.contentText}`)
      .join(' ')
      .toLowerCase()
      .replace(/['’]/g, '');
    store.close();
    for (const word of shown) expect(text, word).toMatch(new RegExp(`\\b${word}\\b`));
  });
});

describe('#14.11 skipped tests say why', () => {
  it('the summary prints one line per reason, and a skip without a reason is called out', () => {
    const { lines, skipped } = summarizeTests([
      {
        file: 'tests/e2e/a.test.ts',
        fullName: 'page [skipped: no Chromium at /usr/bin/chromium] > renders',
        state: 'skipped',
      },
      {
        file: 'tests/e2e/a.test.ts',
        fullName: 'page [skipped: no Chromium at /usr/bin/chromium] > links',
        state: 'skipped',
      },
      { file: 'tests/unit/b.test.ts', fullName: 'schema > validates', state: 'skipped', note: 'jing not installed' },
      { file: 'tests/unit/c.test.ts', fullName: 'mystery', state: 'skipped' },
      { file: 'tests/unit/c.test.ts', fullName: 'fine', state: 'passed' },
    ]);
    expect(skipped).toBe(4);
    expect(lines).toEqual([
      'skipped 2 in tests/e2e/a.test.ts: no Chromium at /usr/bin/chromium',
      'skipped 1 in tests/unit/b.test.ts: jing not installed',
      'skipped 1 in tests/unit/c.test.ts: no reason given (filtered out by -t, or skipped without withSkipReason)',
      '1 passed, 0 failed, 4 skipped',
    ]);
  });

  it('every conditional skip in the suite names its reason', () => {
    const files = readdirSync(join(REPO_ROOT, 'tests'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.test.ts'),
    );
    let conditional = 0;
    for (const file of files) {
      const lines = readFileSync(join(REPO_ROOT, 'tests', file), 'utf8').split('\n');
      for (const [i, line] of lines.entries()) {
        if (!/\.(skipIf|runIf)\(/.test(line)) continue;
        conditional++;
        // The formatter may put the test's name (withSkipReason(…)) on the line after `skipIf(cond)(`.
        const call = line.trimEnd().endsWith('(') ? `${line}${lines[i + 1] ?? ''}` : line;
        expect(call, file).toContain('withSkipReason(');
      }
    }
    expect(conditional).toBeGreaterThanOrEqual(9);
  });
});

describe('#14.12 the User-Agent and generator URI', () => {
  async function runAgainstRecorder(fetch: Record<string, unknown>) {
    const agents: string[] = [];
    const feed = readFileSync(join(REPO_ROOT, 'tests/fixtures/integration/one-new-item.xml'));
    const server = createServer((req, res) => {
      agents.push(String(req.headers['user-agent']));
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
    const { configPath } = writeTempConfig({ fetch, output: { selfUrl: 'https://news.example/storyfeed/feed.atom' } }, [
      { id: 'one', name: 'One', url },
    ]);
    expect(await main(['run', '--config', configPath], capture().io)).toBe(EXIT.ok);
    const atom = readFileSync((await loadConfig(configPath)).output.feedPath, 'utf8');
    return { agents, atom };
  }

  it('sends the configured contact URL, and no guessed project URL without one', async () => {
    const withContact = await runAgainstRecorder({ contactUrl: 'https://ops.example/storyfeed' });
    expect(withContact.agents).toEqual([`storyfeed/${VERSION} (+https://ops.example/storyfeed)`]);
    expect(withContact.atom).toMatch(/<generator uri="https:\/\/ops\.example\/storyfeed"/);

    const without = await runAgainstRecorder({});
    expect(without.agents).toEqual([`storyfeed/${VERSION}`]);
    expect(without.atom).toMatch(/<generator uri="https:\/\/news\.example\/storyfeed\/"/);
    expect(without.atom).not.toContain('github.com');
    await expect(loadConfig(writeTempConfig({ fetch: { contactUrl: 'ops at example' } }).configPath)).rejects.toThrow(
      /fetch\.contactUrl: must be an http\(s\) URL or a mailto: address/,
    );
  });
});

/** Starts `storyfeed serve` as a process; resolves with what it printed once it listens, and a stop function. */
async function startServe(
  args: string[],
): Promise<{ stdout: string; stderr: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('\n')) resolve();
    });
    void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, 100)); // the warning, if any, follows the URL lines
  return {
    stdout,
    stderr,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('#14.5 serve prints URLs a reader can use and warns about output.selfUrl', () => {
  it('lists loopback and interface URLs for --host 0.0.0.0, never 0.0.0.0, and warns that selfUrl still says 127.0.0.1:8080', async () => {
    const { configPath } = writeTempConfig();
    const served = await startServe(['--host', '0.0.0.0', '--port', '0', '--config', configPath]);
    try {
      expect(served.stdout).not.toContain('0.0.0.0');
      const port = /http:\/\/127\.0\.0\.1:(\d+)\/feed\.atom/.exec(served.stdout)?.[1];
      expect(port).toBeDefined();
      const res = await fetch(`http://127.0.0.1:${port}/feed.atom`);
      expect(res.status).toBe(503); // no run yet: the URL printed is the one that answers
      expect(served.stderr).toMatch(
        /^storyfeed: warning: output\.selfUrl is http:\/\/127\.0\.0\.1:8080\/feed\.atom, but the feed is served at http:\/\/127\.0\.0\.1:\d+\/feed\.atom/m,
      );
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('warns only when selfUrl cannot be where readers reach the server', () => {
    const lan = ['http://127.0.0.1:8092/', 'http://192.168.1.5:8092/'];
    const cases: [string, string, string[], boolean][] = [
      ['http://127.0.0.1:8080/feed.atom', '127.0.0.1', ['http://127.0.0.1:8080/'], false], // the defaults agree
      ['http://127.0.0.1:8080/feed.atom', '127.0.0.1', ['http://127.0.0.1:8092/'], true], // wrong port
      ['http://127.0.0.1:8092/feed.atom', '0.0.0.0', lan, true], // loopback link, served to the LAN
      ['http://192.168.1.5:8092/feed.atom', '0.0.0.0', lan, false],
      ['http://192.168.1.5:8092/feed.xml', '0.0.0.0', lan, true], // not the feed's path
      ['https://news.example/feed.atom', '127.0.0.1', ['http://127.0.0.1:8080/'], false], // a reverse proxy's public URL
    ];
    for (const [selfUrl, host, urls, warns] of cases)
      expect(selfUrlMismatch(selfUrl, host, urls) !== null, `${selfUrl} on ${urls.join(' ')}`).toBe(warns);
    expect(
      usableUrls('0.0.0.0', 8092, {
        lo: [{ address: '127.0.0.1', family: 'IPv4' } as NetworkInterfaceInfo],
        eth0: [{ address: '192.168.1.5', family: 'IPv4' } as NetworkInterfaceInfo],
      }),
    ).toEqual(lan);
  });
});

describe('#14 serve: GET /healthz', () => {
  async function healthz(dir: string, lastRunPath: string, periodMs = 30 * 60_000) {
    const server = await serveOutput(
      { dir, host: '127.0.0.1', port: 0, health: { lastRunPath, periodMs } },
      { logger: silentLogger },
    );
    try {
      const res = await fetch(`${server.url}healthz`);
      return {
        status: res.status,
        cache: res.headers.get('cache-control'),
        body: (await res.json()) as { status: string; reason?: string; lastRun: RunRecord | null },
      };
    } finally {
      await server.close();
    }
  }

  it('answers 200 with the last run after a good run, 503 after one where every source failed, before any run, or when stale', async () => {
    const { configPath } = writeTempConfig();
    const config = await loadConfig(configPath);
    const none = await healthz(config.output.dir, config.output.lastRunPath);
    expect(none.status).toBe(503);
    expect(none.body.status).toBe('no-run');

    expect(await main(['run', '--config', configPath], capture().io)).toBe(EXIT.ok);
    const good = await healthz(config.output.dir, config.output.lastRunPath);
    expect(good.status).toBe(200);
    expect(good.cache).toBe('no-store');
    expect(good.body.status).toBe('ok');
    expect(good.body.lastRun).toMatchObject({
      result: 'ok',
      stories: 12,
      sources: { total: 5, healthy: 5, failed: 0, skipped: 0 },
    });
    expect(Date.now() - Date.parse(good.body.lastRun!.finishedAt)).toBeLessThan(60_000);

    const old = { ...good.body.lastRun!, finishedAt: new Date(Date.now() - 2 * 3_600_000).toISOString() };
    writeFileSync(config.output.lastRunPath, JSON.stringify(old));
    const stale = await healthz(config.output.dir, config.output.lastRunPath);
    expect(stale.status).toBe(503);
    expect(stale.body.status).toBe('stale');
    expect((await healthz(config.output.dir, config.output.lastRunPath, 3_600_000)).status).toBe(200); // hourly: 2 h is fine

    const broken = writeTempConfig({}, [
      { id: 'missing', name: 'Missing', url: join(REPO_ROOT, 'tests/fixtures/no-such-file.xml') },
    ]);
    const brokenConfig = await loadConfig(broken.configPath);
    expect(await main(['run', '--config', broken.configPath], capture().io)).toBe(EXIT.sourcesFailed);
    const failing = await healthz(brokenConfig.output.dir, brokenConfig.output.lastRunPath);
    expect(failing.status).toBe(503);
    expect(failing.body).toMatchObject({ status: 'failing', lastRun: { result: 'sources-failed' } });
  });

  it('answers 503 naming the error after a run that failed', () => {
    const failed = assessHealth(
      { finishedAt: '2026-01-01T00:00:00Z', result: 'failed', error: 'write: EACCES' },
      Date.parse('2026-01-01T00:01:00Z'),
      1_800_000,
    );
    expect(failed.status).toBe(503);
    expect(failed.body.reason).toBe('the last run failed: write: EACCES');
  });

  it('is served by the serve process on the URL it prints', async () => {
    const { configPath } = writeTempConfig();
    await main(['run', '--config', configPath], capture().io);
    const served = await startServe(['--port', '0', '--config', configPath]);
    try {
      const url = /health: (http:\/\/127\.0\.0\.1:\d+\/healthz)/.exec(served.stdout)?.[1];
      expect(url).toBeDefined();
      const res = await fetch(url!);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { lastRun: RunRecord }).lastRun.result).toBe('ok');
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

/** A loopback site: a feed, a blog page linking its Atom feed, an about page linking none; anything else 404. */
async function serveSite(): Promise<string> {
  const rss = readFileSync(join(REPO_ROOT, 'tests/fixtures/integration/one-new-item.xml'));
  const atom = readFileSync(join(REPO_ROOT, 'tests/fixtures/sources/gadgets-atom.xml'));
  const server = createServer((req, res) => {
    if (req.url === '/planet/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss);
    else if (req.url === '/gadgets/atom.xml') res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(atom);
    else if (req.url === '/gadgets/')
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><html><head><title>Gadget Blog</title><link rel="alternate" type="application/atom+xml" href="atom.xml"></head><body>Gadgets</body></html>',
        );
    else if (req.url === '/about.html')
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><html><head><title>About</title></head><body>No feed here</body></html>');
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An OPML fixture with its feeds.example URLs pointed at `base`, written next to `configPath`. */
function opmlFixture(name: string, base: string, configPath: string): string {
  const path = join(configPath, '..', name);
  writeFileSync(
    path,
    readFileSync(join(REPO_ROOT, 'tests/fixtures/sources', name), 'utf8').replaceAll('http://feeds.example', base),
  );
  return path;
}

const DIALECTS = ['opml-miniflux.opml', 'opml-freshrss.opml', 'opml-feedly.opml', 'opml-netnewswire.opml'];

describe('#14.8 OPML: folders, checks, discovery, a report, --dry-run, export round trip', () => {
  it('reads the folders and htmlUrl of Miniflux, FreshRSS, Feedly and NetNewsWire exports', () => {
    for (const name of DIALECTS) {
      const { feeds, invalid } = parseOpmlSubscriptions(
        readFileSync(join(REPO_ROOT, 'tests/fixtures/sources', name), 'utf8'),
      );
      expect(invalid, name).toEqual([]);
      expect(feeds, name).toEqual([
        {
          title: 'Daily Planet',
          xmlUrl: 'http://feeds.example/planet/feed.xml',
          htmlUrl: 'http://feeds.example/planet/',
          folders: ['News'],
        },
        {
          title: 'Gadget Blog',
          xmlUrl: 'http://feeds.example/gadgets/',
          htmlUrl: 'http://feeds.example/gadgets/',
          folders: ['Tech'],
        },
      ]);
    }
  });

  it('imports each dialect: folders become categories, an HTML page its discovered feed, then export round-trips', async () => {
    const base = await serveSite();
    for (const name of DIALECTS) {
      const { configPath } = writeTempConfig();
      const before = readFileSync(configPath, 'utf8');
      const opml = opmlFixture(name, base, configPath);

      const dry = capture();
      expect(await main(['sources', 'import', opml, '--dry-run', '--config', configPath], dry.io), name).toBe(EXIT.ok);
      expect(dry.out()).toBe('dry run: would import 2 sources, 0 duplicates skipped, 0 invalid\n');
      expect(dry.err()).toContain(
        `would add: Gadget Blog: ${base}/gadgets/atom.xml: as gadget-blog in "Tech"; found via the page's <link rel=alternate>`,
      );
      expect(readFileSync(configPath, 'utf8')).toBe(before);

      const real = capture();
      expect(await main(['sources', 'import', opml, '--config', configPath], real.io), name).toBe(EXIT.ok);
      expect(real.out()).toBe('imported 2 sources, 0 duplicates skipped, 0 invalid\n');
      expect(real.err()).toContain(
        `added: Daily Planet: ${base}/planet/feed.xml: as daily-planet in "News"; checked: a feed`,
      );
      const config = await loadConfig(configPath);
      const listed = capture();
      expect(await main(['sources', 'list', '--config', configPath], listed.io)).toBe(EXIT.ok);
      expect(listed.out()).toContain('gadget-blog  Gadget Blog  [Tech]\n');
      expect(config.sources.slice(5)).toEqual([
        {
          id: 'daily-planet',
          name: 'Daily Planet',
          url: `${base}/planet/feed.xml`,
          priority: 0,
          category: 'News',
          siteUrl: `${base}/planet/`,
        },
        {
          id: 'gadget-blog',
          name: 'Gadget Blog',
          url: `${base}/gadgets/atom.xml`,
          priority: 0,
          category: 'Tech',
          siteUrl: `${base}/gadgets/`,
        },
      ]);

      const exported = capture();
      expect(await main(['sources', 'export', '--config', configPath], exported.io)).toBe(EXIT.ok);
      expect(exported.out()).toMatch(/<outline text="News" title="News">\s*<outline text="Daily Planet"/);
      expect(parseOpmlSubscriptions(exported.out()).feeds).toEqual([
        { title: 'Daily Planet', xmlUrl: `${base}/planet/feed.xml`, htmlUrl: `${base}/planet/`, folders: ['News'] },
        { title: 'Gadget Blog', xmlUrl: `${base}/gadgets/atom.xml`, htmlUrl: `${base}/gadgets/`, folders: ['Tech'] },
      ]);
      // Importing the export adds nothing: every feed is a duplicate.
      const again = join(configPath, '..', 'again.opml');
      writeFileSync(again, exported.out());
      const repeat = capture();
      expect(await main(['sources', 'import', again, '--config', configPath], repeat.io)).toBe(EXIT.ok);
      expect(repeat.out()).toBe('imported 0 sources, 2 duplicates skipped, 0 invalid\n');
    }
  });

  it('skips a 404, a page with no feed and a duplicate, saying why, exits 1, and adds the rest', async () => {
    const base = await serveSite();
    const { configPath } = writeTempConfig();
    const c = capture();
    expect(
      await main(
        ['sources', 'import', opmlFixture('opml-unreachable.opml', base, configPath), '--config', configPath],
        c.io,
      ),
    ).toBe(EXIT.failed);
    expect(c.out()).toBe('imported 1 sources, 1 duplicates skipped, 0 invalid, 2 not feeds or unreachable\n');
    const report = c.err().split('\n');
    expect(report).toContain(`  added: Daily Planet: ${base}/planet/feed.xml: as daily-planet; checked: a feed`);
    expect(report.find((l) => l.startsWith('  skipped: Gone Gazette:'))).toMatch(/404/);
    expect(report.find((l) => l.startsWith('  skipped: About page:'))).toMatch(/no feed found/);
    expect(report).toContain(`  skipped: Daily Planet again: ${base}/planet/feed.xml: already source "daily-planet"`);
    expect((await loadConfig(configPath)).sources.map((s) => s.id)).toEqual([
      ...DEMO_CONFIG.sources.map((s) => s.id),
      'daily-planet',
    ]);
  });

  it("puts a source's category on its articles in the feed", async () => {
    const base = await serveSite();
    const { configPath } = writeTempConfig({}, [
      { id: 'planet', name: 'Daily Planet', url: `${base}/planet/feed.xml`, category: 'News' } as {
        id: string;
        name: string;
        url: string;
      },
      { id: 'gadgets', name: 'Gadget Blog', url: `${base}/gadgets/atom.xml`, category: 'Tech / Phones' } as {
        id: string;
        name: string;
        url: string;
      },
    ]);
    expect(await main(['run', '--config', configPath], capture().io)).toBe(EXIT.ok);
    const config = await loadConfig(configPath);
    const atom = readFileSync(config.output.feedPath, 'utf8');
    expect(atom).toContain('<category term="News"/>');
    expect(atom).toContain('<category term="Tech / Phones"/>');
    const json = JSON.parse(readFileSync(config.output.jsonFeedPath, 'utf8')) as { items: { tags?: string[] }[] };
    expect(json.items.flatMap((i) => i.tags ?? [])).toEqual(expect.arrayContaining(['News', 'Tech / Phones']));
  });
});

describe('#14 README claims about the command line', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it('the exit-code table lists exactly the codes the CLI uses', () => {
    const table = [...readme.matchAll(/^\| `(\d+)` \|/gm)].map((m) => Number(m[1]));
    expect(table).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('"Running it" lists every command, and the global help names each exit code', async () => {
    for (const command of COMMANDS) expect(readme).toMatch(new RegExp(`^storyfeed ${command.name} `, 'm'));
    const c = capture();
    await main(['--help'], c.io);
    for (const code of Object.values(EXIT)) expect(c.out()).toMatch(new RegExp(`\\b${code} [a-z]`));
  });
});

describe('#14 one-line failures', () => {
  it('a single config problem is one line naming the file', async () => {
    const r = await runBin(['run', '--config', '/nonexistent/storyfeed.json']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toBe('storyfeed: config: invalid configuration: /nonexistent/storyfeed.json: file not found\n');
  });

  it('cluster names its problem once, without a doubled prefix', async () => {
    const { dir } = writeTempConfig();
    writeFileSync(join(dir, 'bad.jsonl'), '{"title":"no id"}\n');
    const c = capture();
    expect(await main(['cluster', '--in', join(dir, 'bad.jsonl'), '--out', join(dir, 'out.jsonl')], c.io)).toBe(
      EXIT.failed,
    );
    expect(c.err()).toMatch(/^storyfeed cluster: \/.*bad\.jsonl: 1 unusable lines/);
    expect(c.err().trim().split('\n')).toHaveLength(1);
  });
});

describe('#14 --debug', () => {
  it('a failure is one line; --debug adds the stack trace', async () => {
    const { dir, configPath } = writeTempConfig();
    const env = { STORYFEED_STORE_PATH: dir }; // a directory: the database cannot be opened
    const plain = await runBin(['explain', 'abc', '--config', configPath], { env });
    expect(plain.code).toBe(EXIT.failed);
    expect(plain.stderr).toBe(
      `storyfeed: store: cannot read or write the state database ${dir} (unable to open database file): check the disk and the path in store.path\n`,
    );
    const debug = await runBin(['explain', 'abc', '--debug', '--config', configPath], { env });
    expect(debug.code).toBe(EXIT.failed);
    expect(debug.stderr).toMatch(
      /^storyfeed: store: cannot read or write the state database .*\nStoreError: .*\n\s+at /,
    );
  });
});
