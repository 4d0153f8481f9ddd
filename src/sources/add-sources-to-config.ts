// Appends sources to config.json's `sources` array by inserting text, so the user's formatting, key
// order and every other key stay exactly as they were. config.json is strict JSON (loadConfig uses
// JSON.parse), so a small string-aware scanner finds the array; a JSONC editor (jsonc-parser's
// modify/applyEdits) would do the same job and can replace this function without touching callers.

import { ConfigError } from '../lib/errors.js';

/** A source as written to config.json. */
export interface ConfigSource {
  id: string;
  name: string;
  url: string;
}

/** Returns `text` (a config.json) with `sources` appended to its `sources` array, formatted like the entries already there. */
export function addSourcesToConfigText(text: string, sources: readonly ConfigSource[]): string {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`not valid JSON (${(error as Error).message})`], { cause: error });
  }
  if (sources.length === 0) return text;
  const open = findTopLevelArray(text, 'sources');
  if (open === undefined) throw new ConfigError(['sources: missing (it must be an array of sources)']);
  const close = matchingBracket(text, open);
  const inner = text.slice(open + 1, close);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  if (inner.trim() === '') {
    const keyIndent = lineIndent(text, open);
    const unit = detectIndentUnit(text);
    const items = sources.map((s) => keyIndent + unit + render(s, 'multi', keyIndent + unit, unit, eol));
    return text.slice(0, open + 1) + eol + items.join(',' + eol) + eol + keyIndent + text.slice(close);
  }

  const firstStart = open + 1 + (inner.length - inner.trimStart().length);
  const lead = text.slice(open + 1, firstStart); // e.g. "\n    " between `[` and the first element
  const firstEnd = matchingBracket(text, firstStart) + 1;
  const first = text.slice(firstStart, firstEnd);
  const multiLine = /\r?\n/.test(first);
  const elementIndent = lead.includes('\n') ? lead.slice(lead.lastIndexOf('\n') + 1) : '';
  const unit = multiLine ? (/\n([ \t]+)"/.exec(first)?.[1] ?? elementIndent + '  ').slice(elementIndent.length) || '  ' : '';
  const style = multiLine ? 'multi' : /^\{\s/.test(first) ? 'spaced' : 'compact';
  let lastEnd = close;
  while (lastEnd > open && /\s/.test(text[lastEnd - 1]!)) lastEnd--;
  const separator = lead.includes('\n') ? ',' + lead.replace(/\r?\n/, eol) : ', ';
  const added = sources.map((s) => render(s, style, elementIndent, unit, eol)).join(separator);
  return text.slice(0, lastEnd) + separator + added + text.slice(lastEnd);
}

function render(source: ConfigSource, style: 'multi' | 'spaced' | 'compact', indent: string, unit: string, eol: string): string {
  const obj = { id: source.id, name: source.name, url: source.url };
  if (style === 'compact') return JSON.stringify(obj);
  if (style === 'spaced') {
    return `{ ${Object.entries(obj)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(obj, null, unit || '  ')
    .split('\n')
    .map((line, i) => (i === 0 ? line : indent + line))
    .join(eol);
}

// Returns the index of the `[` that opens the value of the root object's member `key`.
function findTopLevelArray(text: string, key: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        let j = end + 1;
        while (/\s/.test(text[j] ?? '')) j++;
        if (text[j] === ':' && name === key) {
          j++;
          while (/\s/.test(text[j] ?? '')) j++;
          return text[j] === '[' ? j : undefined;
        }
      }
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return undefined;
}

// Returns the index of the bracket closing the one at `open` (strings skipped).
function matchingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') i = stringEnd(text, i);
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length; // unreachable for text JSON.parse accepted
}

// Returns the index of the `"` closing the string that starts at `start`.
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function lineIndent(text: string, index: number): string {
  const lineStart = text.lastIndexOf('\n', index) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

function detectIndentUnit(text: string): string {
  return /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
}
