import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/pipeline/run-once.js';
import { DEMO_CONFIG, REPO_ROOT, writeTempConfig } from '../support/demo-config.js';
import { readAtom } from '../support/read-atom.js';

const TYPES: Record<string, string> = {
  xml: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  rdf: 'application/rdf+xml',
  json: 'application/feed+json',
};

let server: Server;
let base: string;
const requests: { url: string; userAgent: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', userAgent: req.headers['user-agent'] });
    const name = (req.url ?? '').replace(/^\/feeds\//, '');
    const source = DEMO_CONFIG.sources.find((s) => s.url.endsWith(`/${name}`));
    if (!source) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      return;
    }
    const ext = name.split('.').pop()!;
    res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream' }).end(readFileSync(join(REPO_ROOT, source.url)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('the demo fetched over HTTP from a loopback server', () => {
  it('gives the same seed story as the files, and reports a 404 source', async () => {
    const sources = [
      ...DEMO_CONFIG.sources.map((s) => ({ ...s, url: `${base}/feeds/${s.url.split('/').pop()}` })),
      { id: 'gone', name: 'Gone', url: `${base}/feeds/nope.xml` },
    ];
    const { configPath } = writeTempConfig({}, sources);
    const config = await loadConfig(configPath);
    const report = await runOnce(config, { logger: silentLogger, now: () => new Date('2026-11-22T12:00:00Z') });
    const gone = report.sources.find((s) => s.sourceId === 'gone')!;
    expect(gone.status).toBe('failed');
    expect(gone.error).toMatchObject({ code: 'fetch/http-status', stage: 'fetch' });
    expect(gone.error!.message).toContain('404');
    expect(report.sources.filter((s) => s.status === 'ok')).toHaveLength(5);

    const feed = readAtom(readFileSync(config.output.feedPath, 'utf8'));
    const seed = feed.entries.filter((e) => /run the jewels/i.test(e.title));
    expect(seed).toHaveLength(1);
    expect(seed[0]!.related).toHaveLength(5);
    expect(requests.every((r) => /^storyfeed\/\d/.test(r.userAgent ?? ''))).toBe(true);
  });
});
