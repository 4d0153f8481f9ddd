import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WriteError } from '../lib/errors.js';

/** Writes the data to path atomically (temp file in the same directory, fsync, rename) unless the file already holds those bytes; returns whether it changed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<{ changed: boolean }> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const existing = await readExisting(path, bytes.byteLength);
  // Leaving identical bytes alone keeps the mtime, so HTTP Last-Modified / If-Modified-Since stay truthful.
  if (existing?.bytes && Buffer.compare(existing.bytes, bytes) === 0) return { changed: false };

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
    await rename(tempPath, path);
  } catch (error) {
    await handle?.close().catch(() => undefined); // already failing; the original error is the one to report
    await unlink(tempPath).catch(() => undefined); // ENOENT when open failed; nothing else to clean up
    throw new WriteError('write/failed', `cannot write ${path}: ${describeCause(error)}`, { cause: error });
  }
  await syncDirectory(directory);
  return { changed: true };
}

/** Returns the mode of the existing file, and its bytes when its size matches; undefined when there is no readable file. */
async function readExisting(path: string, expectedBytes: number): Promise<{ bytes?: Uint8Array; mode: number } | undefined> {
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
