import type { XmlElement } from './xml-element.js';
import { WELL_KNOWN_PREFIXES, elementName, elementScope } from './xml-namespaces.js';

// The document tree of read-xml-tree.ts, read without htmlparser2 (issue #7: reading every document twice, once
// by feedsmith and once by htmlparser2's character-by-character tokenizer, cost as much as the feed library).
// The scanner jumps from `<` to `<` with indexOf and builds the very tree htmlparser2 (XML mode) builds, for the
// documents whose syntax is plain: start tags with quoted, whitespace-separated attributes, matching end tags
// (`</name>`), comments, CDATA sections, processing instructions and declarations. On anything else (a mismatched or
// missing end tag, a `<` that starts no markup, an unquoted or valueless attribute, `<` inside a tag or an
// attribute value, a truncated document…) it gives up and the caller reads the document with htmlparser2.
// Element text is kept as source ranges and decoded only when read: most of it (item bodies) never is.

/** A tree read by scanXmlTree, and what it saw of namespace prefixes (for parse-feed.ts's undeclared-prefix check). */
export interface ScannedDocument {
  root: XmlElement | undefined;
  /**
   * Prefixes of element names written `prefix:name` (the name after the colon starting with a letter or `_`):
   * every prefix hasUndeclaredPrefix's regex can find outside CDATA sections and comments, and maybe more.
   * Undefined when a comment holds a `<`, where that regex's view of the markup may differ from the scanner's.
   */
  tagPrefixes: ReadonlySet<string> | undefined;
  /** Prefixes declared by an `xmlns:prefix="…"` attribute (each one a match of hasUndeclaredPrefix's declaration regex). */
  declaredPrefixes: ReadonlySet<string>;
}

const TAB = 9;
const LF = 10;
const FF = 12;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const DASH = 45;
const SLASH = 47;
const LT = 60;
const EQUALS = 61;
const GT = 62;
const QUESTION = 63;

/** htmlparser2's whitespace (Tokenizer isWhitespace). */
function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === FF || c === CR;
}

/** htmlparser2's end of a tag or attribute name (Tokenizer isEndOfTagSection). */
function isEndOfTagSection(c: number): boolean {
  return c === SLASH || c === GT || isSpace(c);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The prefix hasUndeclaredPrefix's regex (`<\/?([A-Za-z_][\w.-]*):[A-Za-z_]`) reads from an element name. */
const TAG_PREFIX = /^([A-Za-z_][\w.-]*):[A-Za-z_]/;
/** A declaration hasUndeclaredPrefix's regex (`\sxmlns:([A-Za-z_][\w.-]*)\s*=`) reads, as an attribute name. */
const PREFIX_DECLARATION = /^xmlns:([A-Za-z_][\w.-]*)$/;

/** An element of a scanned document: its text is source ranges, joined (and entity-decoded) when first read. */
class ScannedElement implements XmlElement {
  readonly children: XmlElement[] = [];
  contentEnd: number;
  /** Pairs of source offsets [start, end) of the element's own text; a CDATA section's end is stored as `~end`. */
  runs: number[] | undefined;
  private joined: string | undefined;

  constructor(
    readonly uri: string,
    readonly local: string,
    readonly attributes: Record<string, string>,
    readonly contentStart: number,
    private readonly source: string,
  ) {
    this.contentEnd = contentStart;
  }

  get text(): string {
    this.joined ??= this.joinRuns();
    return this.joined;
  }

  private joinRuns(): string {
    const runs = this.runs;
    if (runs === undefined) return '';
    let text = '';
    for (let index = 0; index < runs.length; index += 2) {
      const start = runs[index]!;
      const end = runs[index + 1]!;
      // CDATA is verbatim; character data is entity-decoded as htmlparser2 decodes it.
      text += end < 0 ? this.source.slice(start, ~end) : decodeXmlEntities(this.source.slice(start, end));
    }
    return text;
  }
}

/** Returns the tree of `xml` as readXmlTree's htmlparser2 reader builds it, or undefined when the syntax is not plain enough to be sure (see above). */
export function scanXmlTree(xml: string): ScannedDocument | undefined {
  const length = xml.length;
  const documentNode = new ScannedElement('', '#document', {}, 0, xml);
  documentNode.contentEnd = length;
  const stack: ScannedElement[] = [documentNode];
  const names: string[] = [''];
  const scopes: Readonly<Record<string, string>>[] = [WELL_KNOWN_PREFIXES];
  // Names repeat (every item has its title, link…): their namespace and local name are looked up once per scope.
  const resolvedNames = new Map<string, { scope: Readonly<Record<string, string>>; uri: string; local: string }>();
  const tagPrefixes = new Set<string>();
  const declaredPrefixes = new Set<string>();
  let prefixesKnown = true;
  let position = 0;
  for (;;) {
    const lt = xml.indexOf('<', position);
    const textEnd = lt === -1 ? length : lt;
    // Text outside the root element is not kept (nor decoded: an entity never swallows a `<`).
    if (textEnd > position && stack.length > 1) ((stack[stack.length - 1]!.runs ??= [])).push(position, textEnd);
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === BANG) {
      if (xml.startsWith('--', lt + 2)) {
        // htmlparser2 ends `<!-->` and `<!--->` right there (short comments); others end at the first `-->`.
        const first = xml.charCodeAt(lt + 4);
        if (first === GT || (first === DASH && xml.charCodeAt(lt + 5) === GT)) return undefined;
        const end = xml.indexOf('-->', lt + 4);
        if (end === -1) return undefined;
        if (xml.lastIndexOf('<', end) > lt) prefixesKnown = false;
        position = end + 3;
      } else if (xml.startsWith('[CDATA[', lt + 2)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end === -1) return undefined;
        if (stack.length > 1) ((stack[stack.length - 1]!.runs ??= [])).push(lt + 9, ~end);
        position = end + 3;
      } else {
        // A declaration (`<!DOCTYPE …>` after the root, or what removeDoctype kept) ends at the first `>`.
        if (!isAsciiLetter(xml.charCodeAt(lt + 2))) return undefined;
        const end = xml.indexOf('>', lt + 3);
        if (end === -1 || xml.lastIndexOf('<', end) !== lt) return undefined;
        position = end + 1;
      }
      continue;
    }
    if (next === QUESTION) {
      // A processing instruction ends at the first `>` for htmlparser2 (not at `?>`).
      const end = xml.indexOf('>', lt + 2);
      if (end === -1 || xml.lastIndexOf('<', end) !== lt) return undefined;
      position = end + 1;
      continue;
    }
    if (next === SLASH) {
      // An end tag: its name runs to `>` and it must close the open element. (Whitespace before the `>` is
      // legal, but htmlparser2 then reports the next end tag's position one past that whitespace.)
      const index = xml.indexOf('>', lt + 2);
      if (index === -1 || index === lt + 2) return undefined;
      const name = xml.slice(lt + 2, index);
      if (stack.length === 1 || names[names.length - 1] !== name) return undefined;
      const element = stack.pop()!;
      names.pop();
      scopes.pop();
      element.contentEnd = Math.max(element.contentStart, lt);
      position = index + 1;
      continue;
    }
    // A start tag. `<` followed by whitespace, `>` or nothing is text to htmlparser2, and not XML.
    if (lt + 1 >= length || isEndOfTagSection(next) || next === LT) return undefined;
    let index = lt + 2;
    let c = 0;
    while (index < length && !isEndOfTagSection((c = xml.charCodeAt(index)))) {
      if (c === LT) return undefined;
      index++;
    }
    const name = xml.slice(lt + 1, index);
    const attributes: Record<string, string> = {};
    let declaresNamespace = false;
    let selfClosing = false;
    let gt = -1;
    while (gt === -1) {
      const before = index;
      while (index < length && isSpace(xml.charCodeAt(index))) index++;
      if (index >= length) return undefined;
      c = xml.charCodeAt(index);
      if (c === GT) {
        gt = index;
        break;
      }
      if (c === SLASH) {
        if (xml.charCodeAt(index + 1) !== GT) return undefined;
        selfClosing = true;
        gt = index + 1;
        break;
      }
      // Attributes written together (`a="1"b="2"`) are read by htmlparser2, but they are not XML.
      if (index === before) return undefined;
      // An attribute name is its first character (even `=` or a quote) and what follows up to `=`, whitespace, `/` or `>`.
      const nameStart = index;
      index++;
      while (index < length && (c = xml.charCodeAt(index)) !== EQUALS && !isEndOfTagSection(c)) {
        if (c === LT) return undefined;
        index++;
      }
      const attribute = xml.slice(nameStart, index);
      if (xml.charCodeAt(nameStart) === EQUALS || xml.charCodeAt(nameStart) === LT || attribute === '__proto__') return undefined;
      while (index < length && isSpace(xml.charCodeAt(index))) index++;
      if (xml.charCodeAt(index) !== EQUALS) return undefined;
      index++;
      while (index < length && isSpace(xml.charCodeAt(index))) index++;
      const quote = xml.charCodeAt(index);
      if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return undefined;
      const valueEnd = xml.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", index + 1);
      if (valueEnd === -1) return undefined;
      let value = xml.slice(index + 1, valueEnd);
      if (value.includes('<')) return undefined;
      if (value.includes('&')) value = decodeXmlEntities(value);
      // htmlparser2 keeps the first of two attributes with the same name.
      if (!Object.prototype.hasOwnProperty.call(attributes, attribute)) attributes[attribute] = value;
      if (attribute.startsWith('xmlns')) {
        declaresNamespace = true;
        const declared = PREFIX_DECLARATION.exec(attribute)?.[1];
        if (declared !== undefined) declaredPrefixes.add(declared);
      }
      index = valueEnd + 1;
    }
    const parentScope = scopes[scopes.length - 1]!;
    const scope = declaresNamespace ? elementScope(parentScope, attributes) : parentScope;
    let resolved = resolvedNames.get(name);
    if (resolved?.scope !== scope) {
      if (resolved === undefined) {
        const prefix = TAG_PREFIX.exec(name)?.[1];
        if (prefix !== undefined) tagPrefixes.add(prefix);
      }
      resolved = { scope, ...elementName(name, scope) };
      resolvedNames.set(name, resolved);
    }
    const element = new ScannedElement(resolved.uri, resolved.local, attributes, gt + 1, xml);
    stack[stack.length - 1]!.children.push(element);
    if (!selfClosing) {
      stack.push(element);
      names.push(name);
      scopes.push(scope);
    }
    position = gt + 1;
  }
  // An element left open (a truncated document): htmlparser2 closes it at the end, with offsets not worth copying.
  if (stack.length > 1) return undefined;
  return { root: documentNode.children[0], tagPrefixes: prefixesKnown ? tagPrefixes : undefined, declaredPrefixes };
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The HTML replacements for numeric references to C1 controls and NUL (entities' decode-codepoint.ts, which htmlparser2 uses). */
const C1_REPLACEMENTS: ReadonlyMap<number, number> = new Map([
  [0, 0xfffd], [0x80, 0x20ac], [0x82, 0x201a], [0x83, 0x0192], [0x84, 0x201e], [0x85, 0x2026], [0x86, 0x2020], [0x87, 0x2021],
  [0x88, 0x02c6], [0x89, 0x2030], [0x8a, 0x0160], [0x8b, 0x2039], [0x8c, 0x0152], [0x8e, 0x017d], [0x91, 0x2018], [0x92, 0x2019],
  [0x93, 0x201c], [0x94, 0x201d], [0x95, 0x2022], [0x96, 0x2013], [0x97, 0x2014], [0x98, 0x02dc], [0x99, 0x2122], [0x9a, 0x0161],
  [0x9b, 0x203a], [0x9c, 0x0153], [0x9e, 0x017e], [0x9f, 0x0178],
]);

/**
 * Returns `text` entity-decoded as htmlparser2 decodes XML (strict mode): the five XML entities and numeric
 * references, each with its `;`; a surrogate or out-of-range number is U+FFFD, NUL and C1 controls take
 * HTML's replacements; anything else (`&nbsp;`, `&amp` without `;`, a bare `&`) stays as written.
 */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(?:(amp|lt|gt|quot|apos)|#(\d+)|#[xX]([\da-fA-F]+));/g, (_whole, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return XML_ENTITIES[name]!;
    const codePoint = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
    if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return '\uFFFD';
    return String.fromCodePoint(C1_REPLACEMENTS.get(codePoint) ?? codePoint);
  });
}
