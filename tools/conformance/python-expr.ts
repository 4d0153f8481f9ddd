// A small evaluator for the Python expressions in feedparser's `Expect:` lines. It handles the forms the
// corpus uses: string/number/tuple/dict/None/True/False literals, `+` on strings, subscripts and attribute
// access on `feed`/`entries`, `==`/`!=` (chained), `is [not]`, `[not] in`, `not`, `and`, `or`, `len()`, `ord()`.
// Anything else throws Unsupported, which the harness counts as not applicable with the reason.

/** A name or call the evaluator does not model (the harness reports it as not applicable). */
export class Unsupported extends Error {}

/** A feedparser path (e.g. entries[0]['links'][1]['rel']) not resolved yet: the view resolves it. */
export interface PathValue {
  kind: 'path';
  segments: (string | number)[];
}

/** What the evaluator needs from the model under test. */
export interface ExprView {
  /** Returns our value for a top-level name other than feed/entries (bozo, encoding, version). */
  name(name: string): unknown;
  /** Returns our value at a path, in our representation. */
  get(path: PathValue): unknown;
  /** Returns whether our value at `path` equals feedparser's `expected`, after mapping representations. */
  equals(path: PathValue, expected: unknown): boolean;
}

type Token = { type: 'str' | 'num' | 'name' | 'op'; value: string };

const OPERATORS = ['==', '!=', '>=', '<=', '(', ')', '[', ']', '{', '}', ',', ':', '.', '+', '-', '>', '<'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const prefixed = /^[uUbBrR]?['"]/.exec(source.slice(i, i + 2));
    if (prefixed) {
      const raw = /^[rR]/.test(prefixed[0]);
      i += prefixed[0].length - 1;
      const quote = source[i];
      i++;
      let value = '';
      while (i < source.length && source[i] !== quote) {
        if (source[i] === '\\' && !raw) {
          const [decoded, length] = unescape(source, i);
          value += decoded;
          i += length;
        } else {
          value += source[i];
          i++;
        }
      }
      if (i >= source.length) throw new Unsupported('unterminated string');
      i++;
      tokens.push({ type: 'str', value });
      continue;
    }
    const number = /^\d+(?:\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: 'num', value: number[0] });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ type: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (op === undefined) throw new Unsupported(`unexpected character ${JSON.stringify(char)}`);
    tokens.push({ type: 'op', value: op });
    i += op.length;
  }
  return tokens;
}

function unescape(source: string, at: number): [string, number] {
  const next = source[at + 1] ?? '';
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
  if (next === 'x') return [String.fromCodePoint(parseInt(source.slice(at + 2, at + 4), 16)), 4];
  if (next === 'u') return [String.fromCodePoint(parseInt(source.slice(at + 2, at + 6), 16)), 6];
  if (next === 'U') return [String.fromCodePoint(parseInt(source.slice(at + 2, at + 10), 16)), 10];
  if (simple[next] !== undefined) return [simple[next], 2];
  return ['\\' + next, 2];
}

type Node =
  | { t: 'lit'; value: unknown }
  | { t: 'name'; name: string }
  | { t: 'tuple'; items: Node[] }
  | { t: 'dict'; entries: [Node, Node][] }
  | { t: 'sub'; target: Node; index: Node }
  | { t: 'attr'; target: Node; name: string }
  | { t: 'call'; target: Node; args: Node[] }
  | { t: 'not'; operand: Node }
  | { t: 'bool'; op: 'and' | 'or'; operands: Node[] }
  | { t: 'cmp'; first: Node; rest: [string, Node][] }
  | { t: 'add'; operands: Node[] }
  | { t: 'neg'; operand: Node };

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.position < this.tokens.length) throw new Unsupported(`unexpected ${this.tokens[this.position]?.value}`);
    return node;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }
  private isOp(value: string): boolean {
    const token = this.peek();
    return token !== undefined && (token.type === 'op' || token.type === 'name') && token.value === value;
  }
  private expect(value: string): void {
    if (!this.isOp(value)) throw new Unsupported(`expected ${value}`);
    this.position++;
  }
  private or(): Node {
    const operands = [this.and()];
    while (this.isOp('or')) {
      this.position++;
      operands.push(this.and());
    }
    return operands.length === 1 ? operands[0]! : { t: 'bool', op: 'or', operands };
  }
  private and(): Node {
    const operands = [this.not()];
    while (this.isOp('and')) {
      this.position++;
      operands.push(this.not());
    }
    return operands.length === 1 ? operands[0]! : { t: 'bool', op: 'and', operands };
  }
  private not(): Node {
    if (this.isOp('not')) {
      this.position++;
      return { t: 'not', operand: this.not() };
    }
    return this.comparison();
  }
  private comparison(): Node {
    const first = this.sum();
    const rest: [string, Node][] = [];
    for (;;) {
      let op: string | undefined;
      if (['==', '!=', '>=', '<=', '>', '<', 'in'].some((candidate) => this.isOp(candidate))) op = this.peek()!.value;
      else if (this.isOp('is')) op = this.peek(1)?.value === 'not' ? 'is not' : 'is';
      else if (this.isOp('not') && this.peek(1)?.value === 'in') op = 'not in';
      if (op === undefined) break;
      this.position += op.includes(' ') ? 2 : 1;
      rest.push([op, this.sum()]);
    }
    return rest.length === 0 ? first : { t: 'cmp', first, rest };
  }
  private sum(): Node {
    const operands = [this.unary()];
    while (this.isOp('+')) {
      this.position++;
      operands.push(this.unary());
    }
    return operands.length === 1 ? operands[0]! : { t: 'add', operands };
  }
  private unary(): Node {
    if (this.isOp('-')) {
      this.position++;
      return { t: 'neg', operand: this.unary() };
    }
    return this.postfix();
  }
  private postfix(): Node {
    let node = this.atom();
    for (;;) {
      if (this.isOp('[')) {
        this.position++;
        const index = this.or();
        this.expect(']');
        node = { t: 'sub', target: node, index };
      } else if (this.isOp('.')) {
        this.position++;
        const name = this.peek();
        if (name?.type !== 'name') throw new Unsupported('expected attribute name');
        this.position++;
        node = { t: 'attr', target: node, name: name.value };
      } else if (this.isOp('(')) {
        this.position++;
        const args: Node[] = [];
        while (!this.isOp(')')) {
          args.push(this.or());
          if (this.isOp(',')) this.position++;
        }
        this.expect(')');
        node = { t: 'call', target: node, args };
      } else return node;
    }
  }
  private atom(): Node {
    const token = this.peek();
    if (token === undefined) throw new Unsupported('unexpected end');
    this.position++;
    if (token.type === 'str') {
      let value = token.value;
      // Adjacent string literals concatenate.
      while (this.peek()?.type === 'str') value += this.tokens[this.position++]!.value;
      return { t: 'lit', value };
    }
    if (token.type === 'num') return { t: 'lit', value: Number(token.value) };
    if (token.type === 'name') {
      if (token.value === 'None') return { t: 'lit', value: null };
      if (token.value === 'True') return { t: 'lit', value: true };
      if (token.value === 'False') return { t: 'lit', value: false };
      return { t: 'name', name: token.value };
    }
    if (token.value === '(') {
      const items: Node[] = [];
      let tuple = false;
      while (!this.isOp(')')) {
        items.push(this.or());
        if (this.isOp(',')) {
          this.position++;
          tuple = true;
        }
      }
      this.expect(')');
      return tuple || items.length !== 1 ? { t: 'tuple', items } : items[0]!;
    }
    if (token.value === '[') {
      const items: Node[] = [];
      while (!this.isOp(']')) {
        items.push(this.or());
        if (this.isOp(',')) this.position++;
      }
      this.expect(']');
      return { t: 'tuple', items };
    }
    if (token.value === '{') {
      const entries: [Node, Node][] = [];
      while (!this.isOp('}')) {
        const key = this.or();
        this.expect(':');
        entries.push([key, this.or()]);
        if (this.isOp(',')) this.position++;
      }
      this.expect('}');
      return { t: 'dict', entries };
    }
    throw new Unsupported(`unexpected ${token.value}`);
  }
}

/** Returns the parsed expression tree of a Python `Expect:` expression; throws Unsupported for other syntax. */
export function parseExpr(source: string): Node {
  return new Parser(tokenize(source)).parse();
}

export type ExprNode = Node;

function isPath(value: unknown): value is PathValue {
  return typeof value === 'object' && value !== null && (value as PathValue).kind === 'path';
}

/**
 * Returns the truth of `node` over `view`. Every operand of `and`/`or` is evaluated (no short-circuit),
 * so that a field the view cannot map is always noticed, whatever the other operands give.
 */
export function evaluate(node: Node, view: ExprView): boolean {
  return truthy(evalNode(node, view), view);
}

function resolve(value: unknown, view: ExprView): unknown {
  return isPath(value) ? view.get(value) : value;
}

function truthy(value: unknown, view: ExprView): boolean {
  const resolved = resolve(value, view);
  if (resolved === null || resolved === undefined || resolved === false || resolved === 0 || resolved === '') return false;
  if (Array.isArray(resolved)) return resolved.length > 0;
  if (typeof resolved === 'object') return Object.keys(resolved).length > 0;
  return true;
}

function evalNode(node: Node, view: ExprView): unknown {
  switch (node.t) {
    case 'lit':
      return node.value;
    case 'name':
      if (node.name === 'feed' || node.name === 'entries') return { kind: 'path', segments: [node.name] } satisfies PathValue;
      return view.name(node.name);
    case 'tuple':
      return node.items.map((item) => resolve(evalNode(item, view), view));
    case 'dict':
      return Object.fromEntries(node.entries.map(([key, value]) => [String(resolve(evalNode(key, view), view)), resolve(evalNode(value, view), view)]));
    case 'sub':
    case 'attr': {
      const target = evalNode(node.target, view);
      if (!isPath(target)) throw new Unsupported('subscript of a non-path value');
      const index = node.t === 'attr' ? node.name : resolve(evalNode(node.index, view), view);
      if (node.t === 'attr' && (index === 'get' || index === 'has_key')) return { kind: 'method', target, name: index };
      if (typeof index !== 'string' && typeof index !== 'number') throw new Unsupported('non-literal subscript');
      return { kind: 'path', segments: [...target.segments, index] } satisfies PathValue;
    }
    case 'call': {
      if (node.target.t === 'name' && node.target.name === 'len' && node.args.length === 1) {
        const value = resolve(evalNode(node.args[0]!, view), view);
        if (typeof value === 'string' || Array.isArray(value)) return value.length;
        if (typeof value === 'object' && value !== null) return Object.keys(value).length;
        throw new Unsupported('len() of a value without length');
      }
      if (node.target.t === 'name' && node.target.name === 'ord' && node.args.length === 1) {
        const value = resolve(evalNode(node.args[0]!, view), view);
        if (typeof value !== 'string' || [...value].length !== 1) return Number.NaN;
        return value.codePointAt(0);
      }
      throw new Unsupported(`call of ${node.target.t === 'name' ? node.target.name : node.target.t === 'attr' ? `.${node.target.name}` : 'an expression'}()`);
    }
    case 'not':
      return !truthy(evalNode(node.operand, view), view);
    case 'bool': {
      const values = node.operands.map((operand) => truthy(evalNode(operand, view), view));
      return node.op === 'and' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'add': {
      const values = node.operands.map((operand) => resolve(evalNode(operand, view), view));
      if (values.every((value) => typeof value === 'string')) return values.join('');
      if (values.every((value) => typeof value === 'number')) return (values as number[]).reduce((a, b) => a + b, 0);
      throw new Unsupported('+ of mixed values');
    }
    case 'neg': {
      const value = resolve(evalNode(node.operand, view), view);
      if (typeof value !== 'number') throw new Unsupported('- of a non-number');
      return -value;
    }
    case 'cmp': {
      let left = evalNode(node.first, view);
      const results: boolean[] = [];
      for (const [op, rightNode] of node.rest) {
        const right = evalNode(rightNode, view);
        results.push(compare(op, left, right, view));
        left = right;
      }
      return results.every(Boolean);
    }
  }
}

function compare(op: string, left: unknown, right: unknown, view: ExprView): boolean {
  switch (op) {
    case '==':
    case '!=': {
      let equal: boolean;
      if (isPath(left) && !isPath(right)) equal = view.equals(left, right);
      else if (isPath(right) && !isPath(left)) equal = view.equals(right, left);
      else equal = deepEqual(resolve(left, view), resolve(right, view));
      return op === '==' ? equal : !equal;
    }
    case 'is':
    case 'is not': {
      const r = resolve(right, view);
      const same = isPath(left) && (r === null || typeof r === 'boolean') ? view.equals(left, r) : deepEqual(resolve(left, view), r);
      return op === 'is' ? same : !same;
    }
    case 'in':
    case 'not in': {
      const container = resolve(right, view);
      const item = resolve(left, view);
      let found: boolean;
      if (typeof container === 'string' && typeof item === 'string') found = container.includes(item);
      else if (Array.isArray(container)) found = container.some((element) => deepEqual(element, item));
      else if (typeof container === 'object' && container !== null) found = Object.hasOwn(container, String(item));
      else throw new Unsupported('in on a non-container');
      return op === 'in' ? found : !found;
    }
    default: {
      const l = resolve(left, view);
      const r = resolve(right, view);
      if (typeof l !== typeof r || (typeof l !== 'number' && typeof l !== 'string')) throw new Unsupported(`${op} on mixed values`);
      const a = l as number | string;
      const b = r as number | string;
      return op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b;
    }
  }
}

/** Returns structural equality of plain values (strings, numbers, arrays, records, null). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, index) => deepEqual(value, b[index]));
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    return keysA.length === keysB.length && keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
  }
  return false;
}
