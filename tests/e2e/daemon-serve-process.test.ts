import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.js';
import { readAtom } from '../support/read-atom.js';
import { REPO_ROOT, writeTempConfig } from '../support/demo-config.js';

/** Waits until the log contains the text (or the deadline passes) and returns the log. */
async function waitFor(read: () => string, text: string, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (!read().includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return read();
}

describe('storyfeed daemon --serve as one process', () => {
  it('runs on schedule and serves the feed it wrote on a free loopback port, then stops cleanly on SIGTERM', async () => {
    const { configPath } = writeTempConfig({ log: { level: 'info' }, schedule: { cron: '0 0 1 1 *', timezone: 'UTC' }, serve: { host: '127.0.0.1', port: 9 } });
    // --port overrides the config's serve.port; 0 asks the kernel for a free port, logged as "serving output".
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), 'daemon', '--serve', '--port', '0', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(() => log, '"run finished"');
      const url = /"msg":"serving output"/.test(log) ? (/"url":"(http:\/\/127\.0\.0\.1:\d+\/)"/.exec(log)?.[1] ?? '') : '';
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(url).not.toBe('http://127.0.0.1:9/');
      const atom = await fetch(`${url}feed.atom`);
      expect(atom.status).toBe(200);
      expect(atom.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
      expect(readAtom(await atom.text()).entries).toHaveLength(12);
      for (const path of ['', 'feed.json', 'status.json']) expect((await fetch(`${url}${path}`)).status, path).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toContain('"daemon stopped"');
      await expect(fetch(`${url}feed.atom`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('storyfeed serve options', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
  }

  it('lists serve in the help', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(EXIT.ok);
    expect(c.out.join('')).toMatch(/^ {2}serve +serve the feeds and the page in output\/ over HTTP/m);
  });

  it.each([['--port', 'eighty'], ['--port', '70000'], ['--host', ' ']])('refuses serve %s %j with the usage exit code', async (flag, value) => {
    const { configPath } = writeTempConfig();
    const c = capture();
    expect(await main(['serve', flag, value, '--config', configPath], c.io)).toBe(EXIT.usage);
    expect(c.err.join('')).toContain(flag);
  });

  it('refuses daemon --port without --serve', async () => {
    const { configPath } = writeTempConfig();
    const c = capture();
    expect(await main(['daemon', '--port', '8081', '--config', configPath], c.io)).toBe(EXIT.usage);
    expect(c.err.join('')).toContain('--serve');
  });

  it('refuses a bad serve section in the config', async () => {
    const { configPath } = writeTempConfig({ serve: { host: '', port: 123456, extra: true } });
    const c = capture();
    expect(await main(['serve', '--config', configPath], c.io)).toBe(EXIT.usage);
    const message = c.err.join('');
    expect(message).toContain('serve.host:');
    expect(message).toContain('serve.port:');
    expect(message).toContain('unknown key "extra"');
  });
});
