import { constants } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import type { ContentCoding } from './negotiate-encoding.js';
import { digestOf, OUTPUT_SET_MANIFEST, parseOutputSetManifest } from '../write/output-set.js';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** One file of output/ as read whole at one moment, with its validators and lazily compressed variants. */
interface OutputFile {
  bytes: Buffer;
  /** Strong validator of the identity bytes (a content hash, so identical bytes keep their tag across rewrites). */
  etag: string;
  lastModified: Date;
  /** Returns the bytes in the coding and the strong ETag of that representation (RFC 9110 §8.8.3: one per coding). */
  encoded(coding: ContentCoding): Promise<{ bytes: Buffer; etag: string }>;
  /** Every ETag the file's representations carry, for If-None-Match. */
  etags: string[];
  /** SHA-256 of the bytes (base64url), as the output set's manifest records it. */
  digest: string;
}

/** Why a file could not be served. */
type OutputFileMiss = 'missing' | 'not-a-file';

/**
 * Caches the files of one directory by device, inode, size and mtime. A file the output set's manifest lists is served
 * only in a version whose digest the manifest records: while a run publishes a new set (or after one was killed
 * half-way), the version of the last whole set already served is served instead, so the feed, the JSON Feed and the
 * page never come from two runs. With no such version at hand (a server started meanwhile), or no manifest (output of
 * an older storyfeed), the file on disk is served.
 */
export interface OutputFileCache {
  /**
   * Returns the file, or why there is none. `name` must be a plain file name chosen by the server, never by a client.
   */
  load(name: string): Promise<OutputFile | OutputFileMiss>;
}

const MAX_READ_ATTEMPTS = 3;

/**
 * Returns a cache reading whole files of `dir`: a file replaced by rename mid-request is read from the inode it opened.
 */
export function createOutputFileCache(dir: string): OutputFileCache {
  const cache = new Map<string, { key: string; file: OutputFile }>();
  // The last version of each file that matched the manifest of its time.
  const whole = new Map<string, OutputFile>();
  const inSet = async (name: string, file: OutputFile): Promise<OutputFile> => {
    const manifest = await readManifest(dir);
    const expected = manifest?.get(name);
    if (expected === undefined || file.digest === expected) {
      whole.set(name, file);
      return file;
    }
    const previous = whole.get(name);
    return previous?.digest === expected ? previous : file;
  };
  return {
    async load(name) {
      const file = await loadFile(name);
      return typeof file === 'string' ? file : inSet(name, file);
    },
  };

  async function loadFile(name: string): Promise<OutputFile | OutputFileMiss> {
    let handle: FileHandle;
    try {
      // O_NOFOLLOW: a symlink put into output/ is never followed out of it (open fails with ELOOP). O_NONBLOCK: opening
      // a FIFO does not wait for a writer (it blocked a thread and the request for good; issue #15); the stat below
      // then refuses it, as any non-regular file. On a regular file O_NONBLOCK changes nothing.
      handle = await open(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
      if (code === 'ELOOP' || code === 'EISDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ENXIO')
        return 'not-a-file';
      throw error;
    }
    try {
      for (let attempt = 1; ; attempt += 1) {
        const before = await handle.stat({ bigint: true });
        if (!before.isFile()) return 'not-a-file';
        const key = `${before.dev}:${before.ino}:${before.size}:${before.mtimeNs}`;
        const cached = cache.get(name);
        if (cached?.key === key) return cached.file;
        const bytes = await handle.readFile();
        const after = await handle.stat({ bigint: true });
        // writeFileAtomic never changes a published inode; this only guards a file edited in place by hand.
        const stable =
          `${after.dev}:${after.ino}:${after.size}:${after.mtimeNs}` === key && BigInt(bytes.byteLength) === after.size;
        if (!stable && attempt < MAX_READ_ATTEMPTS) continue;
        const file = makeOutputFile(bytes, new Date(Number(after.mtimeMs)));
        if (stable) cache.set(name, { key, file });
        return file;
      }
    } finally {
      await handle.close();
    }
  }
}

/** The output set's manifest in `dir`, or undefined when there is none (or it is unreadable). */
async function readManifest(dir: string): Promise<ReadonlyMap<string, string> | undefined> {
  try {
    return parseOutputSetManifest(await readFile(join(dir, OUTPUT_SET_MANIFEST), 'utf8'));
  } catch {
    return undefined; // no manifest: output written before sets, or not yet written; the files are served as they are
  }
}

/** Returns an OutputFile over the bytes: hash-based ETags and compressed variants computed once, on first use. */
function makeOutputFile(bytes: Buffer, lastModified: Date): OutputFile {
  const digest = digestOf(bytes);
  const hash = digest.slice(0, 27);
  const tags: Record<ContentCoding, string> = { identity: `"${hash}"`, gzip: `"${hash}-gz"`, br: `"${hash}-br"` };
  const variants = new Map<ContentCoding, Promise<Buffer>>();
  return {
    bytes,
    etag: tags.identity,
    lastModified,
    etags: Object.values(tags),
    digest,
    async encoded(coding) {
      if (coding === 'identity') return { bytes, etag: tags.identity };
      let variant = variants.get(coding);
      if (!variant) {
        variant =
          coding === 'br'
            ? brotliAsync(bytes, {
                params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
              })
            : gzipAsync(bytes, { level: 9 });
        variants.set(coding, variant);
      }
      return { bytes: await variant, etag: tags[coding] };
    },
  };
}
