import { mkdtemp, readdir, readFile, rename, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WriteError } from '../../../src/lib/errors.js';
import { writeFileSet } from '../../../src/write/write-file-atomic.js';
import { digestOf, OUTPUT_SET_MANIFEST, parseOutputSetManifest } from '../../../src/write/output-set.js';

// Issue #15: disk full between output files left feed.atom new and feed.json / index.html old. The set is written
// whole to temp files first; a failure of any write, or of a rename, publishes none of them.

const failure = vi.hoisted(() => ({ writeOf: null as string | null, renameTo: null as string | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    // A full disk while the temp file of `failure.writeOf` is written.
    open: vi.fn(async (path: string, ...rest: unknown[]) => {
      const handle = await (actual.open as (...a: unknown[]) => ReturnType<typeof actual.open>)(path, ...rest);
      if (failure.writeOf !== null && String(path).includes(`.${failure.writeOf}.`)) {
        handle.writeFile = async () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        };
      }
      return handle;
    }),
    rename: vi.fn(async (from: string, to: string) => {
      if (failure.renameTo !== null && to.endsWith(failure.renameTo))
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      return actual.rename(from, to);
    }),
  };
});

afterEach(() => {
  failure.writeOf = null;
  failure.renameTo = null;
  vi.mocked(rename).mockClear();
  vi.mocked(open).mockClear();
});

const NAMES = ['feed.atom', 'feed.json', 'index.html'];

async function outputDir(generation: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'storyfeed-set-'));
  for (const name of NAMES) await writeFile(join(dir, name), `${name} ${generation}\n`);
  return dir;
}

const set = (dir: string, generation: string) =>
  NAMES.map((name) => ({ path: join(dir, name), data: `${name} ${generation}\n` }));

async function contents(dir: string): Promise<string[]> {
  return Promise.all(NAMES.map((name) => readFile(join(dir, name), 'utf8')));
}

describe('writeFileSet', () => {
  it('publishes every file of the set and reports which changed', async () => {
    const dir = await outputDir('old');
    const changed = await writeFileSet([
      ...set(dir, 'new').slice(0, 2),
      { path: join(dir, 'index.html'), data: 'index.html old\n' },
    ]);
    expect(changed).toEqual([{ changed: true }, { changed: true }, { changed: false }]);
    expect(await contents(dir)).toEqual(['feed.atom new\n', 'feed.json new\n', 'index.html old\n']);
    // And, last, the manifest of the set: every file's digest, for readers that must not mix two sets.
    expect((await readdir(dir)).sort()).toEqual([...NAMES, OUTPUT_SET_MANIFEST].sort());
    const manifest = parseOutputSetManifest(await readFile(join(dir, OUTPUT_SET_MANIFEST), 'utf8'));
    expect(manifest?.get('feed.atom')).toBe(digestOf(Buffer.from('feed.atom new\n')));
    expect(manifest?.get('index.html')).toBe(digestOf(Buffer.from('index.html old\n')));
  });

  it.each(NAMES)('a full disk while %s is written publishes none of the set', async (name) => {
    const dir = await outputDir('old');
    failure.writeOf = name;
    const error = await writeFileSet(set(dir, 'new')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).message).toContain('ENOSPC');
    expect(await contents(dir)).toEqual(['feed.atom old\n', 'feed.json old\n', 'index.html old\n']);
    expect((await readdir(dir)).sort()).toEqual([...NAMES].sort()); // no temp file left
  });

  it.each(NAMES)('a rename to %s that fails puts back the files already replaced', async (name) => {
    const dir = await outputDir('old');
    failure.renameTo = name;
    const error = await writeFileSet(set(dir, 'new')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect(await contents(dir)).toEqual(['feed.atom old\n', 'feed.json old\n', 'index.html old\n']);
    expect((await readdir(dir)).sort()).toEqual([...NAMES].sort());
  });

  it('on a first run, a failed rename leaves no file of the set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storyfeed-set-'));
    failure.renameTo = 'index.html';
    await expect(writeFileSet(set(dir, 'new'))).rejects.toBeInstanceOf(WriteError);
    expect(await readdir(dir)).toEqual([]);
  });
});
