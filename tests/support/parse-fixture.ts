import { readFileSync } from 'node:fs';

/** Returns the text of a fixture in tests/fixtures/parse/, read fresh on every call. */
export function readFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/parse/${name}`, import.meta.url), 'utf8');
}
