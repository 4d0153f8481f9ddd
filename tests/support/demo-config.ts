import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const DEMO_CONFIG = JSON.parse(
  (await import('node:fs')).readFileSync(join(REPO_ROOT, 'config.json'), 'utf8'),
) as { sources: { id: string; name: string; url: string }[]; [key: string]: unknown };

/** Writes a config in a fresh temp dir whose sources are the repo's demo files (or `sources`); returns its path. */
export function writeTempConfig(overrides: Record<string, unknown> = {}, sources?: { id: string; name: string; url: string }[]): { dir: string; configPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'storyfeed-it-'));
  const config = {
    ...DEMO_CONFIG,
    sources: sources ?? DEMO_CONFIG.sources.map((s) => ({ ...s, url: join(REPO_ROOT, s.url) })),
    log: { level: 'silent' },
    ...overrides,
  };
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath };
}
