import type { XmlElement } from '../../src/parse/xml/read-xml-tree.js';

/** An element as plain data (a scanned element's text is a getter), for comparing the two readers' trees. */
export interface PlainElement {
  uri: string;
  local: string;
  attributes: [string, string][];
  text: string;
  contentStart: number;
  contentEnd: number;
  children: PlainElement[];
}

/** Returns the element and its subtree as plain data, attributes in their order. */
export function plainTree(element: XmlElement | undefined): PlainElement | undefined {
  if (element === undefined) return undefined;
  const { uri, local, text, contentStart, contentEnd } = element;
  return { uri, local, attributes: Object.entries(element.attributes), text, contentStart, contentEnd, children: element.children.map((child) => plainTree(child)!) };
}
