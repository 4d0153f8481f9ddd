import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../lib/errors.js';
import { resolveConfig, type ResolvedConfig } from './resolve-config.js';

/** Reads, parses and resolves a config file; throws ConfigError naming every problem. */
export async function loadConfig(path: string): Promise<ResolvedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read it (${code ?? String(error)})`;
    throw new ConfigError([`${absolute}: ${why}`], { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${absolute}: not valid JSON (${(error as Error).message})`], { cause: error });
  }
  return resolveConfig(raw, absolute);
}
