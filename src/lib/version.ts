import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the path of storyfeed's package.json: the nearest above this module. That is two folders up from
 * dist/lib/, but three from build/src/lib/, where `npm run build:tools` compiles src/ for the tools.
 */
function packageJsonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let parent = dirname(dir); !existsSync(join(dir, 'package.json')) && parent !== dir; parent = dirname(dir))
    dir = parent;
  return join(dir, 'package.json');
}

const pkg = JSON.parse(readFileSync(packageJsonPath(), 'utf8')) as { version: string; homepage?: string };

/** storyfeed's version, from package.json. */
export const VERSION: string = pkg.version;
/** package.json's homepage, when it names one; storyfeed has no public home of its own to guess at (issue #14.12). */
export const PROJECT_URL: string | undefined = pkg.homepage;
