/** An element of the document, with its namespace URI resolved from the xmlns declarations in scope. */
export interface XmlElement {
  /** Namespace URI ('' when none is declared; well-known prefixes resolve even when undeclared). */
  uri: string;
  /** Local name, lower-cased. */
  local: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (children's text excluded), entity-decoded, not trimmed. */
  text: string;
  /** Where the element's content starts and ends in the source (its inner XML is `source.slice(contentStart, contentEnd)`). */
  contentStart: number;
  contentEnd: number;
}
