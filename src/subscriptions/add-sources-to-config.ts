// Appends sources to config.json's `sources` array by inserting text, so the user's formatting, key
// order and every other key stay exactly as they were. jsonc-parser (the library VS Code edits its
// settings files with) finds the array and its elements; each new entry is written in the style of the
// entries already there (one line or several, the same indent and line ends).

import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions } from 'jsonc-parser';
import { parseConfigText } from '../config/parse-config-text.js';
import { ConfigError } from '../lib/errors.js';

/** A source as written to config.json. */
export interface ConfigSource {
  id: string;
  name: string;
  url: string;
  category?: string;
  siteUrl?: string;
}

/** Returns `text` (a config.json) with `sources` appended to its `sources` array, leaving everything else as it was. */
export function addSourcesToConfigText(text: string, sources: readonly ConfigSource[]): string {
  parseConfigText(text, 'config'); // throws ConfigError naming each syntax error by line:column
  let out = text;
  for (const source of sources) {
    out = appendOne(out, {
      id: source.id,
      name: source.name,
      url: source.url,
      ...(source.category !== undefined ? { category: source.category } : {}),
      ...(source.siteUrl !== undefined ? { siteUrl: source.siteUrl } : {}),
    });
  }
  return out;
}

function appendOne(text: string, value: ConfigSource): string {
  const tree = parseTree(text);
  const array = tree ? findNodeAtLocation(tree, ['sources']) : undefined;
  if (!array || array.type !== 'array') throw new ConfigError(['sources: missing (it must be an array of sources)']);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const elements = array.children ?? [];
  const first = elements[0];
  const last = elements[elements.length - 1];
  if (!first || !last) {
    // An empty array has no style to copy: let the library lay the entry out with the file's indent.
    return applyEdits(text, modify(text, ['sources', -1], value, { isArrayInsertion: true, formattingOptions: detectFormatting(text, eol) }));
  }
  const lead = text.slice(array.offset + 1, first.offset); // e.g. "\n    " between `[` and the first element
  const firstText = text.slice(first.offset, first.offset + first.length);
  const elementIndent = lead.includes('\n') ? lead.slice(lead.lastIndexOf('\n') + 1) : '';
  const separator = lead.includes('\n') ? ',' + eol + elementIndent : ', ';
  let rendered: string;
  if (/\r?\n/.test(firstText)) {
    const unit = (/\n([ \t]+)"/.exec(firstText)?.[1] ?? elementIndent + '  ').slice(elementIndent.length) || '  ';
    rendered = JSON.stringify(value, null, unit).split('\n').join(eol + elementIndent);
  } else if (/^\{\s/.test(firstText)) {
    rendered = `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
  } else {
    rendered = JSON.stringify(value);
  }
  const at = last.offset + last.length;
  return text.slice(0, at) + separator + rendered + text.slice(at);
}

/** The file's own indentation unit and line ending, for an entry the library lays out. */
function detectFormatting(text: string, eol: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}
