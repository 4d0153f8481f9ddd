// Test helper: parse rendered Atom with a strict, independent XML parser (Python's expat via ElementTree)
// and hand back exactly what a consumer would see, so escaping is checked by value, not by string matching.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a strict XML parser reads back from an Atom document. */
export interface StrictAtom {
  ok: boolean;
  error?: string;
  root?: string;
  feed?: {
    id: string | null;
    title: string | null;
    subtitle: string | null;
    updated: string | null;
    links: Array<Record<string, string>>;
    generator: { text: string | null; attributes: Record<string, string> } | null;
    authors: Array<string | null>;
  };
  entries?: StrictEntry[];
}

/** One entry as a strict XML parser reads it back. */
export interface StrictEntry {
  id: string | null;
  title: string | null;
  titleType: string | null;
  links: Array<Record<string, string>>;
  published: string | null;
  updated: string | null;
  summary: string | null;
  summaryType: string | null;
  content: string | null;
  contentType: string | null;
  authors: Array<string | null>;
  categories: Array<string | null>;
}

const script = String.raw`
import json, sys
import xml.etree.ElementTree as ET
A = '{http://www.w3.org/2005/Atom}'
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as error:
    print(json.dumps({'ok': False, 'error': str(error)}))
    sys.exit(0)
def child(el, name):
    return el.find(A + name)
def text(el, name):
    c = child(el, name)
    return None if c is None else (c.text or '')
def attr(el, name, key):
    c = child(el, name)
    return None if c is None else c.get(key)
def people(el):
    return [text(a, 'name') for a in el.findall(A + 'author')]
def entry(e):
    return {
        'id': text(e, 'id'), 'title': text(e, 'title'), 'titleType': attr(e, 'title', 'type'),
        'links': [dict(l.attrib) for l in e.findall(A + 'link')],
        'published': text(e, 'published'), 'updated': text(e, 'updated'),
        'summary': text(e, 'summary'), 'summaryType': attr(e, 'summary', 'type'),
        'content': text(e, 'content'), 'contentType': attr(e, 'content', 'type'),
        'authors': people(e), 'categories': [c.get('term') for c in e.findall(A + 'category')],
    }
generator = child(root, 'generator')
print(json.dumps({
    'ok': True,
    'root': root.tag,
    'feed': {
        'id': text(root, 'id'), 'title': text(root, 'title'), 'subtitle': text(root, 'subtitle'),
        'updated': text(root, 'updated'),
        'links': [dict(l.attrib) for l in root.findall(A + 'link')],
        'generator': None if generator is None else {'text': generator.text, 'attributes': dict(generator.attrib)},
        'authors': people(root),
    },
    'entries': [entry(e) for e in root.findall(A + 'entry')],
}))
`;

/** Returns true when python3 can be run (the strict parser these tests rely on). */
export function isPythonAvailable(): boolean {
  return spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Returns the document as read back by a strict XML parser; `ok` is false (with the parser's message) when it is not well-formed. */
export function readAtomStrictly(xml: string): StrictAtom {
  const directory = mkdtempSync(join(tmpdir(), 'storyfeed-atom-'));
  try {
    const file = join(directory, 'feed.atom');
    writeFileSync(file, xml, 'utf8');
    const result = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr || result.error?.message}`);
    return JSON.parse(result.stdout) as StrictAtom;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
