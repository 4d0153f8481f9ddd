import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/demo-config.js';

// Issue #15: the run lock read the holder, deleted the file and recreated it, and an empty (just created) lock read
// as stale: three processes starting together both held it in 12 of 12 rounds when a stale lock was present.
// Here several real processes start at the same moment and each tries once; the one that gets the lock holds it
// until every other has tried.

const CONTENDER = join(import.meta.dirname, '..', '..', 'support', 'lock-contender.mjs');
const DIST_LOCK = join(REPO_ROOT, 'dist', 'lib', 'run-lock.js');
const PROCESSES = 6;
const ROUNDS = 10;

type Attempt = { won: boolean; overlap?: boolean; code?: string };

/** Starts a contender; `tried` settles with its attempt, `exited` when it has released and ended. */
function contend(dir: string, lockPath: string, goAt: number): { tried: Promise<Attempt>; exited: Promise<void> } {
  const child = spawn(process.execPath, [CONTENDER, DIST_LOCK, lockPath, join(dir, 'inside'), String(goAt), join(dir, 'release')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const tried = new Promise<Attempt>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as Attempt);
    });
    child.on('exit', (code) => reject(new Error(`contender exited ${code} before trying: ${err}`)));
  });
  const exited = new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`contender exited ${code}: ${err}`)))));
  return { tried, exited };
}

describe('run lock race between processes', () => {
  for (const stale of [true, false]) {
    it(`${PROCESSES} processes starting together, ${stale ? 'a stale lock present' : 'no lock'}: exactly one holds it, ${ROUNDS} rounds`, async () => {
      const winners: number[] = [];
      const overlaps: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const dir = mkdtempSync(join(tmpdir(), 'storyfeed-lock-race-'));
        mkdirSync(join(dir, 'state'));
        const lockPath = join(dir, 'state', 'storyfeed.db.lock');
        // A lock left by a killed run: its pid is not running.
        if (stale) writeFileSync(lockPath, JSON.stringify({ pid: 2 ** 22 + 4321, startedAt: '2026-01-01T00:00:00.000Z' }));
        // Start-up of node takes ~100 ms under load: the moment is set far enough ahead for all to be waiting.
        const goAt = Date.now() + 600;
        const contenders = Array.from({ length: PROCESSES }, () => contend(dir, lockPath, goAt));
        const results = await Promise.all(contenders.map((c) => c.tried));
        writeFileSync(join(dir, 'release'), '');
        await Promise.all(contenders.map((c) => c.exited));
        winners.push(results.filter((r) => r.won).length);
        overlaps.push(results.filter((r) => r.overlap).length);
        for (const r of results) if (!r.won) expect(r.code).toBe('lock/held');
      }
      expect(overlaps.every((n) => n === 0), `rounds with two holders at once: ${overlaps.join(',')}`).toBe(true);
      expect(winners).toEqual(Array.from({ length: ROUNDS }, () => 1));
    }, 60_000);
  }
});
