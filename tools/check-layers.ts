// The folder rules of docs/architecture.md, checked: every relative import in src/ goes from a folder to a
// folder of a lower layer (or stays inside its own folder), and no file reaches itself through its imports.
//
//   node build/tools/check-layers.js [--list]     (npm run lint runs it)
//
// Prints what breaks a rule and exits 1, or one summary line and exits 0. --list prints every folder-to-folder
// edge with its count too.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './repo-root.js';

/**
 * The layers, highest first. A folder may import from the layers below its own, never from its own layer's siblings.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['pipeline', 'serve', 'subscriptions'],
  ['fetch', 'decode', 'parse', 'normalize', 'store', 'cluster', 'render', 'write'],
  ['config'],
  ['model', 'lib', 'types'],
];

const layerOf = new Map<string, number>(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));

/** The top folder of a path under src/ (`model` for src/model.ts). */
export function folderOf(srcRelative: string): string {
  const [first = '', ...rest] = srcRelative.split('/');
  return rest.length === 0 ? first.replace(/\.ts$/, '') : first;
}

export interface Finding {
  from: string;
  to: string;
  why: string;
}

/** Checks one import between two files (paths relative to src/); returns why it breaks a rule, or null. */
export function checkImport(from: string, to: string): string | null {
  const a = folderOf(from);
  const b = folderOf(to);
  if (a === b) return null;
  const ra = layerOf.get(a);
  const rb = layerOf.get(b);
  if (ra === undefined) return `folder "${a}" is in no layer (add it to LAYERS and docs/architecture.md)`;
  if (rb === undefined) return `folder "${b}" is in no layer (add it to LAYERS and docs/architecture.md)`;
  if (rb < ra) return `climbs up: ${a} (layer ${ra}) imports ${b} (layer ${rb})`;
  if (rb === ra) return `imports a sibling: ${a} and ${b} share layer ${ra}`;
  return null;
}

/** Strongly connected components with more than one file (or a file importing itself): the import cycles. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return cycles;
}

/** The relative imports (static, dynamic, `export … from`) of one source text. */
export function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.\.?\/[^']+)'/g)].map((m) => m[1]!);
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** What the layer check finds in a source tree: its import graph (paths relative to `src`), breaches, edges, cycles. */
export interface TreeCheck {
  graph: Map<string, string[]>;
  findings: Finding[];
  /** "from -> to" folder edges with their import counts. */
  edges: Map<string, number>;
  cycles: string[][];
}

/** Reads every .ts file under `src` and checks its relative imports against the layers, and the graph for cycles. */
export function checkTree(src: string): TreeCheck {
  const graph = new Map<string, string[]>();
  const findings: Finding[] = [];
  const edges = new Map<string, number>();
  for (const file of listTs(src)) {
    const from = relative(src, file);
    const targets: string[] = [];
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const to = relative(src, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
      if (to.startsWith('..')) {
        findings.push({ from, to, why: 'imports from outside src/' });
        continue;
      }
      targets.push(to);
      const why = checkImport(from, to);
      if (why) findings.push({ from, to, why });
      const edge = `${folderOf(from)} -> ${folderOf(to)}`;
      if (folderOf(from) !== folderOf(to)) edges.set(edge, (edges.get(edge) ?? 0) + 1);
    }
    graph.set(from, targets);
  }
  return { graph, findings, edges, cycles: findCycles(graph) };
}

function main(argv: string[]): number {
  const { graph, findings, edges, cycles } = checkTree(join(repoRoot(), 'src'));
  if (argv.includes('--list')) for (const [edge, count] of [...edges].sort()) console.log(`${edge} (${count})`);
  for (const f of findings) console.log(`src/${f.from} -> src/${f.to}: ${f.why}`);
  for (const cycle of cycles) console.log(`import cycle: ${cycle.map((f) => `src/${f}`).join(' -> ')}`);
  console.log(
    `check-layers: ${graph.size} files, ${[...graph.values()].reduce((n, t) => n + t.length, 0)} relative imports, ` +
      `${findings.length} breaking the layer rules, ${cycles.length} import cycles`,
  );
  return findings.length === 0 && cycles.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2));
