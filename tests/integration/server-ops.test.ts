// Issue #14 "Run it on a server for a year": one describe per numbered problem, each failing before its fix.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runOnce } from '../../src/run.js';
import { writeTempConfig } from '../helpers/demo-config.js';
import { readAtom } from '../helpers/read-atom.js';
import { runBin } from '../helpers/run-bin.js';

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
