// Namespace resolution shared by the two readers of the document tree (read-xml-tree.ts, scan-xml-tree.ts).

/** Prefixes that resolve even when the document does not declare them. */
export const WELL_KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  atom: 'http://www.w3.org/2005/Atom',
  xml: 'http://www.w3.org/XML/1998/namespace',
};

/** Returns the prefix → URI scope inside an element: its parent's, plus the xmlns declarations among its attributes (the parent's object when it has none). */
export function elementScope(parent: Readonly<Record<string, string>>, attributes: Record<string, string>): Readonly<Record<string, string>> {
  let scope: Record<string, string> | undefined;
  for (const [attribute, value] of Object.entries(attributes)) {
    if (attribute === 'xmlns') (scope ??= { ...parent })[''] = value.trim();
    else if (attribute.startsWith('xmlns:')) (scope ??= { ...parent })[attribute.slice(6)] = value.trim();
  }
  return scope ?? parent;
}

/** Returns the namespace URI and lower-cased local name of an element name in `scope` (an undeclared prefix stands for itself). */
export function elementName(name: string, scope: Readonly<Record<string, string>>): { uri: string; local: string } {
  const colon = name.indexOf(':');
  const prefix = colon === -1 ? '' : name.slice(0, colon);
  return { uri: scope[prefix] ?? (colon === -1 ? '' : prefix), local: name.slice(colon + 1).toLowerCase() };
}
