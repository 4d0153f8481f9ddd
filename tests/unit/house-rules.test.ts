import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeForStatus } from '../../src/fetch/fetch-source.js';
import { checkImport, checkTree, findCycles, folderOf, importsOf } from '../../tools/check-layers.js';

// House rules that a reviewer would otherwise have to remember, checked over all of src/ (docs/architecture.md).

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return sourceFiles(join(dir, entry.name));
    return entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [];
  });
}

/** Every line of src/ matching `pattern`, as "file:line: text". */
function linesMatching(pattern: RegExp): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (pattern.test(line)) found.push(`${file.slice(SRC.length + 1)}:${index + 1}: ${line.trim()}`);
      });
  }
  return found;
}

describe('no spread of a list into call arguments on the data path', () => {
  // Issue #15: `changedStories.push(...clustered.changed)` passed 173,580 arguments and died with "Maximum call stack
  // size exceeded". A spread into a call's arguments puts every element on the stack, so on the data path, where a
  // list can be as long as a feed is, it is written as a loop.
  it('src/ has no push(...list), Math.max(...list), Math.min(...list) or String.fromCharCode(...list)', () => {
    expect(linesMatching(/\.push\(\.\.\.|Math\.(max|min)\(\.\.\.|fromCharCode\(\.\.\.|fromCodePoint\(\.\.\./)).toEqual(
      [],
    );
  });
});

describe('line length (issue #13)', () => {
  // Biome formats code at 120 columns (biome.json); it leaves comments alone, so this holds them to the same width.
  // Markdown tables and indented examples in comments are exempt, as are string literals (a message or a regex
  // broken in two can no longer be found with grep).
  it('no comment line in src/ is longer than 120 characters', () => {
    // A loose first cut (indentation counts too); the exact width is measured below.
    const long = linesMatching(/^\s*(\/\/|\*|\/\*)(?!\s{2,}|\s*\|).{100,}/).filter(
      (l) => l.split(': ').slice(1).join(': ').length > 0,
    );
    const measured = long.filter((l) => {
      const [where] = l.split(': ', 1);
      const [file, line] = where!.split(':');
      return readFileSync(join(SRC, file!), 'utf8').split('\n')[Number(line) - 1]!.length > 120;
    });
    expect(measured).toEqual([]);
  });
});

describe('typed errors (issue #13)', () => {
  it('src/ throws no bare Error: each failure is its stage’s typed error with a code from its union', () => {
    // The one exception: an unexpected error inside a reader worker crosses back as a plain Error (a bug, not a
    // bad document), so that it is reported as one.
    expect(linesMatching(/new Error\(/).map((l) => l.replace(/:\d+:/, ':'))).toEqual([
      "pipeline/read-document.ts: if (described.stage === 'internal') return new Error(described.message);",
    ]);
  });

  it('an HTTP status becomes its code in one place', () => {
    expect([410, 429, 404, 500, 503].map(codeForStatus)).toEqual([
      'fetch/gone',
      'fetch/rate-limited',
      'fetch/http-status',
      'fetch/http-status',
      'fetch/http-status',
    ]);
  });
});

describe('the folder layers of docs/architecture.md', () => {
  it('every import in src/ goes down a layer or stays in its folder, and no file imports itself in a cycle', () => {
    const { graph, findings, cycles } = checkTree(SRC);
    expect(graph.size).toBeGreaterThan(90);
    expect(findings.map((f) => `${f.from} -> ${f.to}: ${f.why}`)).toEqual([]);
    expect(cycles).toEqual([]);
  });

  it('the checker sees a climb up, a sibling import and a cycle', () => {
    expect(folderOf('model.ts')).toBe('model');
    expect(checkImport('fetch/fetch-source.ts', 'pipeline/run-once.ts')).toMatch(/climbs up/);
    expect(checkImport('cluster/corpus.ts', 'store/open-store.ts')).toMatch(/sibling/);
    expect(checkImport('pipeline/run-once.ts', 'cluster/cluster-items.ts')).toBeNull();
    expect(checkImport('parse/parse-feed.ts', 'nowhere/x.ts')).toMatch(/no layer/);
    expect(
      findCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', ['a.ts']],
          ['d.ts', ['a.ts']],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(
      importsOf("import { x } from './a.js';\nexport * from '../b.js';\nconst m = await import('./c.js');"),
    ).toEqual(['./a.js', '../b.js', './c.js']);
  });
});
