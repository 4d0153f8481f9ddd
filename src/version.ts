import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; homepage?: string };

/** storyfeed's version, from package.json. */
export const VERSION: string = pkg.version;
/** Where people can learn what this User-Agent is. */
export const PROJECT_URL: string = pkg.homepage ?? 'https://github.com/storyfeed/storyfeed';
