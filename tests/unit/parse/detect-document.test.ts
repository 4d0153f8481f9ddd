import { describe, expect, it } from 'vitest';
import { detectDocument } from '../../../src/parse/detect-document.js';

const formats: Array<[label: string, text: string, format: string, version: string | undefined]> = [
  ['RSS 2.0', '<rss version="2.0"><channel/></rss>', 'rss', '2.0'],
  [
    'RSS 0.91 after a DOCTYPE',
    '<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "rss-0.91.dtd">\n<rss version="0.91"/>',
    'rss',
    '0.91',
  ],
  ['RSS without version', '<rss><channel/></rss>', 'rss', undefined],
  [
    'RSS after comments and a stylesheet PI',
    '<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><!-- hi > there --><rss version=\'2.0\'/>',
    'rss',
    '2.0',
  ],
  ['DOCTYPE with an internal subset', '<!DOCTYPE rss [ <!ENTITY a "x>y"> ]><rss version="2.0"/>', 'rss', '2.0'],
  [
    'RSS 1.0',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"/>',
    'rdf',
    '1.0',
  ],
  [
    'RSS 0.90',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://channel.netscape.com/rdf/simple/0.9/"/>',
    'rdf',
    '0.9',
  ],
  ['Atom 1.0', '<feed xmlns="http://www.w3.org/2005/Atom"/>', 'atom', '1.0'],
  ['prefixed Atom 1.0', '<a:feed xmlns:a="http://www.w3.org/2005/Atom"/>', 'atom', '1.0'],
  ['Atom 0.3 by version', '<feed version="0.3" xmlns="http://purl.org/atom/ns#"/>', 'atom', '0.3'],
  ['Atom 0.3 by namespace only', '<feed xmlns="http://purl.org/atom/ns#"/>', 'atom', '0.3'],
  ['JSON Feed 1.1', '{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[]}', 'json', '1.1'],
  ['JSON Feed 1 is 1.0', '{"version":"https://jsonfeed.org/version/1","title":"x","items":[]}', 'json', '1.0'],
  ['JSON Feed without version', '{"title":"x","items":[]}', 'json', undefined],
  ['leading whitespace', '\n\n  <rss version="2.0"/>', 'rss', '2.0'],
];

describe('detectDocument', () => {
  it.each(formats)('%s', (_label, text, format, version) => {
    const detected = detectDocument(text);
    expect(detected.format).toBe(format);
    expect(detected.version).toBe(version);
  });

  it('hands on the XML without the leading whitespace', () => {
    expect(detectDocument('  \n<?xml version="1.0"?><rss/>')).toStrictEqual({
      format: 'rss',
      xml: '<?xml version="1.0"?><rss/>',
    });
  });
});
