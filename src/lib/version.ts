import { existsSync, readFileSync } from 'node:fs';

// dist/lib/version.js (the package) and build/src/lib/version.js (the tools' build, tools/tsconfig.json) sit at
// different depths below the package root, so the nearest of the two package.json paths is the package's.
const besideDist = new URL('../../package.json', import.meta.url);
const pkgUrl = existsSync(besideDist) ? besideDist : new URL('../../../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string; homepage?: string };

/** storyfeed's version, from package.json. */
export const VERSION: string = pkg.version;
/** package.json's homepage, when it names one; storyfeed has no public home of its own to guess at (issue #14.12). */
export const PROJECT_URL: string | undefined = pkg.homepage;
