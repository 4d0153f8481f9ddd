import { mkdtemp, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteError } from '../../../src/lib/errors.js';
import { writeFileAtomic } from '../../../src/write/write-file-atomic.js';

// rename stays the real one unless a test makes it fail once: the only reliable way to fail a write after the
// temp file exists (permission tricks do not work when tests run as root).
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, rename: vi.fn(actual.rename) };
});

const pastTime = new Date('2020-01-01T00:00:00.000Z');
let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'storyfeed-write-'));
});

afterEach(async () => {
  vi.mocked(rename).mockClear();
  await rm(directory, { recursive: true, force: true });
});

/** Returns the names in the directory that look like our temp files. */
async function tempFilesIn(path: string): Promise<string[]> {
  return (await readdir(path)).filter((name) => name.endsWith('.tmp'));
}

describe('writeFileAtomic', () => {
  it('creates the file and any missing directories', async () => {
    const target = join(directory, 'nested', 'deeper', 'feed.atom');
    await expect(writeFileAtomic(target, '<feed/>\n')).resolves.toEqual({ changed: true });
    expect(await readFile(target, 'utf8')).toBe('<feed/>\n');
    expect(await tempFilesIn(dirname(target))).toEqual([]);
  });

  it('writes through a temp file in the same directory named .<name>.<pid>.<random>.tmp', async () => {
    const target = join(directory, 'feed.atom');
    await writeFileAtomic(target, 'x');
    const [from, to] = vi.mocked(rename).mock.calls[0] ?? [];
    expect(to).toBe(target);
    expect(dirname(String(from))).toBe(directory);
    expect(basename(String(from))).toMatch(new RegExp(`^\\.feed\\.atom\\.${process.pid}\\.[0-9a-f]+\\.tmp$`));
  });

  it('replaces a file whose bytes differ', async () => {
    const target = join(directory, 'feed.atom');
    await writeFile(target, 'old');
    await expect(writeFileAtomic(target, 'new')).resolves.toEqual({ changed: true });
    expect(await readFile(target, 'utf8')).toBe('new');
  });

  it('writes Uint8Array data byte for byte', async () => {
    const target = join(directory, 'data.bin');
    const bytes = new Uint8Array([0, 255, 10, 13, 0xef, 0xbb, 0xbf]);
    await writeFileAtomic(target, bytes);
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
  });

  it('leaves a file with identical bytes untouched and keeps its mtime', async () => {
    const target = join(directory, 'feed.atom');
    await writeFile(target, 'same ✓');
    await utimes(target, pastTime, pastTime);
    await expect(writeFileAtomic(target, 'same ✓')).resolves.toEqual({ changed: false });
    await expect(writeFileAtomic(target, new TextEncoder().encode('same ✓'))).resolves.toEqual({ changed: false });
    expect((await stat(target)).mtime.getTime()).toBe(pastTime.getTime());
    expect(vi.mocked(rename)).not.toHaveBeenCalled();
  });

  it('treats same-size but different bytes as a change', async () => {
    const target = join(directory, 'feed.atom');
    await writeFile(target, 'abc');
    await utimes(target, pastTime, pastTime);
    await expect(writeFileAtomic(target, 'abd')).resolves.toEqual({ changed: true });
    expect((await stat(target)).mtime.getTime()).not.toBe(pastTime.getTime());
  });

  it('empties a non-empty file when given empty data', async () => {
    const target = join(directory, 'feed.atom');
    await writeFile(target, 'something');
    await expect(writeFileAtomic(target, '')).resolves.toEqual({ changed: true });
    expect(await readFile(target, 'utf8')).toBe('');
  });

  it('keeps the permissions of the file it replaces', async () => {
    const target = join(directory, 'feed.atom');
    await writeFile(target, 'old');
    await chmod(target, 0o640);
    await writeFileAtomic(target, 'new');
    expect((await stat(target)).mode & 0o777).toBe(0o640);
  });

  it('throws WriteError when a path component is a file, leaving that file intact', async () => {
    const blocker = join(directory, 'not-a-dir');
    await writeFile(blocker, 'keep me');
    const error = await writeFileAtomic(join(blocker, 'feed.atom'), 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WriteError);
    expect(error).toMatchObject({ code: 'write/failed', stage: 'write' });
    expect((error as WriteError).cause).toBeInstanceOf(Error);
    expect((error as WriteError).message).toMatch(/^write: cannot write .*not-a-dir\/feed\.atom: /);
    expect(await readFile(blocker, 'utf8')).toBe('keep me');
    expect(await tempFilesIn(directory)).toEqual([]);
  });

  it('throws WriteError when a directory sits at the target path, leaving it intact and no temp file behind', async () => {
    const target = join(directory, 'feed.atom');
    await mkdir(target);
    await writeFile(join(target, 'inside.txt'), 'keep me');
    const error = await writeFileAtomic(target, 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WriteError);
    expect(error).toMatchObject({ code: 'write/failed' });
    expect((await stat(target)).isDirectory()).toBe(true);
    expect(await readFile(join(target, 'inside.txt'), 'utf8')).toBe('keep me');
    expect(await tempFilesIn(directory)).toEqual([]);
  });

  it('keeps the previous file and removes the temp file when the rename fails', async () => {
    const target = join(directory, 'feed.atom');
    await writeFile(target, 'previous');
    const cause = Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
    vi.mocked(rename).mockRejectedValueOnce(cause);
    const error = await writeFileAtomic(target, 'next').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).cause).toBe(cause);
    expect(await readFile(target, 'utf8')).toBe('previous');
    expect(await tempFilesIn(directory)).toEqual([]);
  });
});
