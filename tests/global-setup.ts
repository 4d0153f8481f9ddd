import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * Builds dist/ (tsc, then the bundles) once before the suite, for the tests that run bin/storyfeed.js as a real
 * process.
 */
export default function setup(): void {
  // For quick local runs of unit tests while dist/ cannot be built; the process tests then use the last build.
  if (process.env.STORYFEED_SKIP_BUILD === '1') return;
  const root = resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'tools/build.mjs'), root], { stdio: 'inherit' });
}
