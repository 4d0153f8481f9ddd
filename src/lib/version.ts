import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; homepage?: string };

/** storyfeed's version, from package.json. */
export const VERSION: string = pkg.version;
/** package.json's homepage, when it names one; storyfeed has no public home of its own to guess at (issue #14.12). */
export const PROJECT_URL: string | undefined = pkg.homepage;
