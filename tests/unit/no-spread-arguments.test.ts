import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue #15: `changedStories.push(...clustered.changed)` passed 173,580 arguments and died with "Maximum call stack
// size exceeded". A spread into a call's arguments puts every element on the stack, so on the data path, where a
// list can be as long as a feed is, it is written as a loop. (The benchmark and conformance tools are not on it.)

const SRC = join(import.meta.dirname, '..', '..', 'src');
const OFF_PATH = ['bench', 'conformance'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return OFF_PATH.includes(entry.name) && dir === SRC ? [] : sourceFiles(join(dir, entry.name));
    return entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [];
  });
}

describe('no spread of a list into call arguments on the data path', () => {
  it('src/ has no push(...list), Math.max(...list), Math.min(...list) or String.fromCharCode(...list)', () => {
    const found: string[] = [];
    for (const file of sourceFiles(SRC)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (/\.push\(\.\.\.|Math\.(max|min)\(\.\.\.|fromCharCode\(\.\.\.|fromCodePoint\(\.\.\./.test(line)) found.push(`${file.slice(SRC.length + 1)}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
