import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../lib/errors.js';
import { applyEnv } from './config-from-env.js';
import { parseConfigText } from './parse-config-text.js';
import { resolveConfig, type ResolvedConfig } from './resolve-config.js';

/**
 * Reads, parses (JSON with comments) and resolves a config file, with the STORYFEED_* settings of `env` laid
 * over it; throws ConfigError naming every problem (a syntax error by line:column, a bad value by key and,
 * when the environment set it, by variable).
 */
export async function loadConfig(
  path: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<ResolvedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read it (${code ?? String(error)})`;
    throw new ConfigError([`${absolute}: ${why}`], { cause: error });
  }
  const { raw, from, problems } = applyEnv(parseConfigText(text, absolute), env);
  let config: ResolvedConfig;
  try {
    config = resolveConfig(raw, absolute);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Say which variable set a bad value: the file may well be right.
    const named = error.problems.map((p) => {
      const key = [...from.keys()].find((k) => p.startsWith(`${k}:`) || p.startsWith(`${k}.`) || p.startsWith(`${k}[`));
      return key ? `${p} (set by ${from.get(key)})` : p;
    });
    throw new ConfigError([...problems, ...named], { cause: error });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
