// A linear pre-check of element nesting, run before any XML reader sees a document (issue #15): htmlparser2 and
// fast-xml-parser take quadratic time (or overflow the stack) on 100,000s of nested elements, and a document
// refused here costs one indexOf walk instead.

/**
 * Returns the element nesting depth of `xml` as an XML reader sees it, or stops and returns `limit + 1` as soon as
 * the depth passes `limit`. An end tag closes its open namesake and whatever is open inside it, a stray end tag
 * closes nothing, and an unclosed `<br>` (unescaped HTML) nests what follows, as htmlparser2 in XML mode reads them
 * (its cost per element grows with this depth); comments, CDATA sections, processing instructions and declarations
 * hold no elements. Linear: every element is pushed and popped once, and the text is walked once.
 */
export function xmlDepth(xml: string, limit: number): number {
  const names: string[] = [];
  // Open elements by name, so a stray end tag is known in O(1) and never walks the stack.
  const open = new Map<string, number>();
  let deepest = 0;
  let position = 0;
  const length = xml.length;
  while (position < length) {
    const lt = xml.indexOf('<', position);
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      const end = xml.startsWith('--', lt + 2) ? xml.indexOf('-->', lt + 4) + 3 : xml.startsWith('[CDATA[', lt + 2) ? xml.indexOf(']]>', lt + 9) + 3 : xml.indexOf('>', lt + 2) + 1;
      position = end <= 2 ? length : end;
      continue;
    }
    if (next === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      position = end === -1 ? length : end + 2;
      continue;
    }
    const gt = xml.indexOf('>', lt + 1);
    if (gt === -1) break;
    position = gt + 1;
    if (next === 47 /* / */) {
      const name = tagName(xml, lt + 2, gt);
      if ((open.get(name) ?? 0) === 0) continue; // stray end tag
      for (;;) {
        const top = names.pop()!;
        open.set(top, open.get(top)! - 1);
        if (top === name) break;
      }
      continue;
    }
    const name = tagName(xml, lt + 1, gt);
    if (name === '' || xml.charCodeAt(gt - 1) === 47 /* / */) continue;
    names.push(name);
    open.set(name, (open.get(name) ?? 0) + 1);
    if (names.length > deepest) {
      deepest = names.length;
      if (deepest > limit) return limit + 1;
    }
  }
  return deepest;
}

/** The lower-cased name of the tag whose name starts at `start` (up to whitespace, `/` or `>` at `end`). */
function tagName(xml: string, start: number, end: number): string {
  let stop = start;
  while (stop < end) {
    const c = xml.charCodeAt(stop);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 47) break;
    stop++;
  }
  return xml.slice(start, stop).toLowerCase();
}
