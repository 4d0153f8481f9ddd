// The lenient path: a feed the strict parser rejects (a stray `<`, a truncated file, mismatched or unclosed
// tags, junk after the root) is re-read by htmlparser2 in XML mode, which never throws, and written out again
// as well-formed XML for the strict parser. htmlparser2 only knows generic XML, so two feed rules are added
// where it would otherwise nest siblings (`<title>a<link>…` with no `</title>`):
// - a feed element that only holds text (title, link, pubDate…) is closed when another feed element starts;
// - an `<item>`/`<entry>` start closes everything down to its container (channel, feed, rdf:RDF).
// Comments, processing instructions and DOCTYPEs are dropped; text outside the root element is dropped.
import { Parser } from 'htmlparser2';

/** Feed elements whose content is text (or escaped markup), never other feed elements. */
const TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  'title', 'link', 'description', 'guid', 'pubdate', 'lastbuilddate', 'author', 'category', 'comments', 'language',
  'copyright', 'managingeditor', 'webmaster', 'generator', 'docs', 'ttl', 'rating', 'id', 'updated', 'published',
  'summary', 'subtitle', 'rights', 'issued', 'modified', 'created', 'tagline', 'name', 'email', 'uri', 'url',
  'creator', 'date', 'subject', 'encoded', 'icon', 'logo', 'width', 'height', 'enclosure',
]);

/** Elements that hold the entries. */
const CONTAINERS: ReadonlySet<string> = new Set(['rss', 'channel', 'feed', 'rdf']);
const ENTRIES: ReadonlySet<string> = new Set(['item', 'entry']);

/** Returns `xml` re-read leniently and serialised as well-formed XML (the root element and everything inside it). */
export function repairXml(xml: string): string {
  const out: string[] = [];
  const stack: string[] = [];
  let rootClosed = false;
  let inCdata = false;
  const localName = (name: string): string => name.slice(name.indexOf(':') + 1).toLowerCase();
  const close = (): void => {
    out.push(`</${stack.pop() ?? ''}>`);
    if (stack.length === 0) rootClosed = true;
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (rootClosed) return;
        const local = localName(name);
        if (ENTRIES.has(local)) {
          while (stack.length > 1 && !CONTAINERS.has(localName(stack[stack.length - 1] ?? ''))) close();
        } else if (TEXT_ELEMENTS.has(local)) {
          while (stack.length > 1 && TEXT_ELEMENTS.has(localName(stack[stack.length - 1] ?? ''))) close();
        }
        const attributeText = Object.entries(attributes)
          .filter(([attribute]) => /^[A-Za-z_][\w.:-]*$/.test(attribute))
          .map(([attribute, value]) => ` ${attribute}="${escapeAttribute(value)}"`)
          .join('');
        out.push(`<${name}${attributeText}>`);
        stack.push(name);
      },
      onclosetag(name) {
        if (rootClosed) return;
        const index = stack.lastIndexOf(name);
        // A stray end tag (no such element open) is ignored; otherwise it closes everything opened inside it.
        if (index === -1) return;
        while (stack.length > index) close();
      },
      ontext(text) {
        if (stack.length === 0) return;
        out.push(inCdata ? text.replace(/\]\]>/g, ']]]]><![CDATA[>') : escapeText(text));
      },
      oncdatastart() {
        if (stack.length === 0) return;
        inCdata = true;
        out.push('<![CDATA[');
      },
      oncdataend() {
        if (!inCdata) return;
        inCdata = false;
        out.push(']]>');
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(xml);
  parser.end();
  if (inCdata) out.push(']]>');
  while (stack.length > 0) close();
  return out.join('');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}
