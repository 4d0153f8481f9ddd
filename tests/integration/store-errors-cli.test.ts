import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, writeTempConfig } from '../support/demo-config.js';

// Issue #15: a 0-byte database was silently replaced by an empty one (all history gone), and store failures
// reached the user as `internal` with a stack trace.

describe('storyfeed run with a broken state database', () => {
  for (const [name, content, code] of [
    ['0-byte', '', 'store/empty'],
    ['not a database', 'garbage '.repeat(200), 'store/corrupt'],
  ] as const) {
    it(`${name}: exit 1, one typed error naming the fix, no stack trace, the file left as it was`, () => {
      const { dir, configPath } = writeTempConfig({ log: { level: 'info' } });
      mkdirSync(join(dir, 'state'));
      const db = join(dir, 'state', 'storyfeed.db');
      writeFileSync(db, content);
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), 'run', '--config', configPath], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`"code":"${code}"`);
      expect(r.stderr).toMatch(/restore it from a backup/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toContain('unexpected error');
      expect(statSync(db).size).toBe(content.length);
      expect(readFileSync(db, 'utf8')).toBe(content);
    });
  }
});
