import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WriteError } from '../lib/errors.js';
import { OUTPUT_SET_MANIFEST, renderOutputSetManifest } from './output-set.js';

/**
 * Writes the data to path atomically (temp file in the same directory, fsync, rename) unless the file already holds
 * those bytes; returns whether it changed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<{ changed: boolean }> {
  const tempPath = await stageFile(path, data, '');
  if (tempPath === null) return { changed: false };
  try {
    await rename(tempPath, path);
  } catch (error) {
    await unlink(tempPath).catch(() => undefined); // already failing; the original error is the one to report
    throw new WriteError('write/failed', `cannot write ${path}: ${describeCause(error)}`, { cause: error });
  }
  await syncDirectory(dirname(path));
  return { changed: true };
}

/**
 * Writes several files as one set (the feed, the JSON Feed and the page of one run; issue #15): every file is first
 * written whole to a temporary file beside it and synced, and only when all are written are they renamed into place.
 * So a full disk or any write failure publishes none of them; a rename that fails (which needs no new space) puts
 * back the files already replaced, from hard links kept until the end. Files already holding their bytes are left
 * alone. Then the manifest (output-set.ts) listing every file's digest is written beside them, last, for readers that
 * must not mix two sets. Returns, per file, whether it changed. The files must share one folder.
 */
export async function writeFileSet(
  files: readonly { path: string; data: string | Uint8Array }[],
): Promise<{ changed: boolean }[]> {
  const staged: { path: string; tempPath: string }[] = [];
  const changed: boolean[] = [];
  try {
    for (const file of files) {
      const tempPath = await stageFile(file.path, file.data);
      changed.push(tempPath !== null);
      if (tempPath !== null) staged.push({ path: file.path, tempPath });
    }
  } catch (error) {
    await Promise.all(staged.map((s) => unlink(s.tempPath).catch(() => undefined))); // the set is not published
    throw error;
  }
  // The previous files stay reachable under a second name until every rename is done, to be put back on a failure.
  const previous: { path: string; keptAt: string | null }[] = [];
  const renamed: { path: string; keptAt: string | null }[] = [];
  try {
    for (const s of staged) {
      const keptAt = `${s.tempPath}.previous`;
      const kept = await link(s.path, keptAt).then(
        () => true,
        (error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // no previous file (first run): nothing to put back
          throw error;
        },
      );
      const entry = { path: s.path, keptAt: kept ? keptAt : null };
      previous.push(entry);
      await rename(s.tempPath, s.path);
      renamed.push(entry);
    }
  } catch (error) {
    // Put back what was already replaced; a file that did not exist before is removed again.
    for (const p of renamed.reverse()) {
      if (p.keptAt !== null) await rename(p.keptAt, p.path).catch(() => undefined);
      else await unlink(p.path).catch(() => undefined);
    }
    await Promise.all(staged.map((s) => unlink(s.tempPath).catch(() => undefined)));
    await Promise.all(previous.map((p) => (p.keptAt === null ? undefined : unlink(p.keptAt).catch(() => undefined))));
    throw new WriteError(
      'write/failed',
      `cannot publish ${staged.map((s) => basename(s.path)).join(', ')}: ${describeCause(error)} (the previous files were kept)`,
      { cause: error },
    );
  }
  await Promise.all(previous.map((p) => (p.keptAt === null ? undefined : unlink(p.keptAt).catch(() => undefined))));
  for (const directory of new Set(staged.map((s) => dirname(s.path)))) await syncDirectory(directory);
  if (files.length > 0) {
    const bytesByName = new Map(
      files.map((f) => [basename(f.path), typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data]),
    );
    await writeFileAtomic(join(dirname(files[0]!.path), OUTPUT_SET_MANIFEST), renderOutputSetManifest(bytesByName));
  }
  return changed.map((c) => ({ changed: c }));
}

/**
 * Writes `data` whole to a synced temporary file beside `path` and returns its path, or null when `path` already holds
 * those bytes (leaving identical bytes alone keeps the mtime, so HTTP Last-Modified / If-Modified-Since stay truthful).
 * `kept` is added to the error message (what the caller leaves in place).
 */
async function stageFile(
  path: string,
  data: string | Uint8Array,
  kept = ' (the previous files were kept)',
): Promise<string | null> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const existing = await readExisting(path, bytes.byteLength);
  if (existing?.bytes && Buffer.compare(existing.bytes, bytes) === 0) return null;
  const directory = dirname(path);
  // Same directory as the target: rename(2) is only atomic within one file system.
  const tempPath = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    await mkdir(directory, { recursive: true });
    // `wx`: never follow or reuse a file someone else put at the temp name.
    handle = await open(tempPath, 'wx', existing?.mode ?? 0o666);
    // Keep the previous file's permissions exactly (open's mode is filtered by the umask).
    if (existing) await handle.chmod(existing.mode);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    return tempPath;
  } catch (error) {
    await handle?.close().catch(() => undefined); // already failing; the original error is the one to report
    await unlink(tempPath).catch(() => undefined); // ENOENT when open failed; nothing else to clean up
    throw new WriteError('write/failed', `cannot write ${path}: ${describeCause(error)}${kept}`, { cause: error });
  }
}

/**
 * Returns the mode of the existing file, and its bytes when its size matches; undefined when there is no readable file.
 */
async function readExisting(
  path: string,
  expectedBytes: number,
): Promise<{ bytes?: Uint8Array; mode: number } | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    const mode = info.mode & 0o777;
    // A different size cannot be identical: skip reading a large file just to compare it.
    if (info.size !== expectedBytes) return { mode };
    return { bytes: await readFile(path), mode };
  } catch {
    // Missing or unreadable: treat as "not identical" and let the write itself succeed or report the failure.
    return undefined;
  }
}

/** Flushes the directory entry of the rename to disk where the platform allows opening a directory. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Best effort: Windows and some file systems refuse to open or fsync a directory (EISDIR/EPERM/EINVAL);
    // the rename has already replaced the file, so carrying on is safe.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Returns a short description of a thrown value for the error message. */
function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
