import type { z } from 'zod';
import { configSchema } from './schema.js';

/** Environment variables that are not settings: where the config file is, and the test harness's own. */
const NOT_SETTINGS = /^STORYFEED_(CONFIG|TEST_[A-Z_]*|SKIP_BUILD)$/;

/** One setting that can come from the environment: `STORYFEED_FETCH_TIMEOUT_MS` ↔ `fetch.timeoutMs`. */
export interface EnvSetting {
  name: string;
  section: string;
  key: string;
  kind: 'number' | 'boolean' | 'string' | 'json';
}

/** `timeoutMs` → `TIMEOUT_MS`, `selfUrl` → `SELF_URL`. */
function screamingSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function baseType(schema: z.ZodType): string {
  let def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
  while ((def.type === 'default' || def.type === 'optional' || def.type === 'prefault') && def.innerType) {
    def = (def.innerType as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
  }
  return def.type;
}

/** Returns every setting the environment can set, read off the config schema (so a new key gets its variable). */
export function envSettings(shape: z.ZodObject = configSchema): EnvSetting[] {
  const out: EnvSetting[] = [{ name: 'STORYFEED_SOURCES', section: 'sources', key: '', kind: 'json' }];
  for (const [section, schema] of Object.entries(shape.shape)) {
    if (section === 'sources' || section === '$schema') continue;
    const inner = (schema as unknown as { _zod: { def: { innerType: z.ZodObject } } })._zod.def.innerType;
    for (const [key, field] of Object.entries(inner.shape)) {
      const type = baseType(field as z.ZodType);
      out.push({
        name: `STORYFEED_${screamingSnake(section)}_${screamingSnake(key)}`,
        section,
        key,
        kind: type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'string',
      });
    }
  }
  return out;
}

/**
 * Returns `raw` (the parsed config file) with the settings the environment gives laid over it, which variable
 * set which key path (for error messages), and problems: a number that is not one, a STORYFEED_SECTION_… name
 * that matches no key. The environment wins over the file; command-line options win over both.
 */
export function applyEnv(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  shape: z.ZodObject = configSchema,
): { raw: unknown; from: Map<string, string>; problems: string[] } {
  const settings = envSettings(shape);
  const byName = new Map(settings.map((s) => [s.name, s]));
  const sections = new Set(settings.map((s) => `STORYFEED_${screamingSnake(s.section)}_`));
  const out = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? structuredClone(raw) : {}) as Record<
    string,
    unknown
  >;
  const from = new Map<string, string>();
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith('STORYFEED_') || value === undefined || NOT_SETTINGS.test(name)) continue;
    const setting = byName.get(name);
    if (!setting) {
      // A variable naming a section but no key is a typo worth stopping for; other STORYFEED_ names are not ours.
      if ([...sections].some((prefix) => name.startsWith(prefix)))
        problems.push(`${name}: no such setting (see the README's list of environment variables)`);
      continue;
    }
    let parsed: unknown = value;
    if (setting.kind === 'number') {
      parsed = value.trim() === '' ? NaN : Number(value);
      if (Number.isNaN(parsed)) {
        problems.push(`${name}: must be a number, got ${JSON.stringify(value)}`);
        continue;
      }
    } else if (setting.kind === 'boolean') {
      const word = value.trim().toLowerCase();
      if (!['true', 'false', '1', '0'].includes(word)) {
        problems.push(`${name}: must be true or false, got ${JSON.stringify(value)}`);
        continue;
      }
      parsed = word === 'true' || word === '1';
    } else if (setting.kind === 'json') {
      try {
        parsed = JSON.parse(value);
      } catch {
        problems.push(
          `${name}: must be a JSON array of sources, e.g. [{"id":"a","name":"A","url":"https://a.example/feed"}]`,
        );
        continue;
      }
    }
    if (setting.key === '') {
      out[setting.section] = parsed;
      from.set(setting.section, name);
    } else {
      const section = out[setting.section];
      out[setting.section] = {
        ...(typeof section === 'object' && section !== null ? section : {}),
        [setting.key]: parsed,
      };
      from.set(`${setting.section}.${setting.key}`, name);
    }
  }
  return { raw: out, from, problems };
}
