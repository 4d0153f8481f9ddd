import { createHash } from 'node:crypto';

// The manifest of the last output set published as a whole (writeFileSet): each file's name and the digest of the
// bytes it got. It is written after every file of the set is in place, so a reader (`storyfeed serve`) that finds a
// file whose digest the manifest does not list is looking at a set being published, or one a killed run left half
// published, and can keep to the files of the last whole set (issue #15).

/** The manifest's file name, in the output folder (a dot file: never served). */
export const OUTPUT_SET_MANIFEST = '.storyfeed-set.json';

/** Returns the digest the manifest records for a file's bytes (SHA-256, base64url). */
export function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

/** Returns the manifest's text for files (name → bytes). */
export function renderOutputSetManifest(files: ReadonlyMap<string, Uint8Array>): string {
  return `${JSON.stringify({ files: Object.fromEntries([...files].map(([name, bytes]) => [name, digestOf(bytes)])) }, null, 2)}\n`;
}

/** Returns name → digest from a manifest's text, or undefined when it is not one. */
export function parseOutputSetManifest(text: string): ReadonlyMap<string, string> | undefined {
  try {
    const parsed = JSON.parse(text) as { files?: unknown };
    if (typeof parsed.files !== 'object' || parsed.files === null) return undefined;
    const entries = Object.entries(parsed.files as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    );
    return new Map(entries);
  } catch {
    return undefined; // not JSON: as if there were no manifest
  }
}
