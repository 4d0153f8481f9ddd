import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../../src/config/load-config.js';
import type { ResolvedConfig } from '../../../src/config/resolve-config.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { RunReport } from '../../../src/model.js';
import { runOnce } from '../../../src/pipeline/run-once.js';
import { serveOutput, type OutputServer } from '../../../src/serve/serve-output.js';
import { writeTempConfig } from '../../support/demo-config.js';

export const DEMO_NOW = () => new Date('2026-11-22T12:00:00.000Z');

/** Runs the demo into a fresh temp dir and serves its output on 127.0.0.1, port 0. */
export async function serveDemo(overrides: Record<string, unknown> = {}): Promise<{ config: ResolvedConfig; report: RunReport; server: OutputServer; dir: string }> {
  const { dir, configPath } = writeTempConfig(overrides);
  const config = await loadConfig(configPath);
  const report = await runOnce(config, { logger: silentLogger, now: DEMO_NOW });
  const server = await serveOutput({ dir: config.output.dir, host: '127.0.0.1', port: 0 }, { logger: silentLogger });
  return { config, report, server, dir };
}

/** Returns whether the program runs (`program --version` or the given args exit without a spawn error). */
export function hasProgram(program: string, args: string[] = ['--version']): boolean {
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 20_000 });
  return result.error === undefined && result.status === 0;
}

/** Resolves once the wall clock has entered the next second (Last-Modified is withheld during the mtime's second). */
export async function untilNextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}
