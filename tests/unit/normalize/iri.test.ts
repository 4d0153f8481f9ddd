import { describe, expect, it } from 'vitest';
import { displayLink, resolveIri } from '../../../src/normalize/iri.js';
import { findDocumentBaseUrl, findHeaderLanguage } from '../../../src/normalize/document-base-url.js';

describe('displayLink', () => {
  it.each([
    ['well-formed absolute URL kept as written', 'http://Example.COM', undefined, 'http://Example.COM'],
    ['relative resolved against the base', 'a/b', 'https://example.com/x/', 'https://example.com/x/a/b'],
    ['relative IRI stays an IRI', '\u00c0', 'http://any.test/', 'http://any.test/\u00c0'],
    [
      'IRI base keeps its Unicode host',
      '',
      'http://www.\u8a79\u59c6\u65af.com/feed',
      'http://www.\u8a79\u59c6\u65af.com/feed',
    ],
    ['malformed absolute URL repaired (too many slashes)', 'http:///example.com/a', undefined, 'http://example.com/a'],
    ['relative without a base', 'a/b', undefined, null],
  ] as const)('%s', (_name, raw, base, want) => {
    expect(displayLink(raw, base)).toBe(want);
  });

  it('leaves an escaped ASCII character escaped in an IRI', () => {
    expect(resolveIri('\u00e9t\u00e9%2F', 'http://x.test/')).toBe('http://x.test/\u00e9t\u00e9%2F');
  });
});

describe('findDocumentBaseUrl', () => {
  it.each([
    ['no header: the document URL', undefined, 'https://feeds.example/a.xml'],
    ['absolute Content-Location', 'http://example.com/', 'http://example.com/'],
    ['relative Content-Location resolved against the URL', '/feed/pg.cgi', 'https://feeds.example/feed/pg.cgi'],
    ['non-http Content-Location ignored', 'javascript:alert(1)', 'https://feeds.example/a.xml'],
  ] as const)('%s', (_name, location, want) => {
    expect(findDocumentBaseUrl('https://feeds.example/a.xml', location)).toBe(want);
  });

  it('takes the first tag of Content-Language', () => {
    expect(findHeaderLanguage(' en-GB, fr')).toBe('en-GB');
    expect(findHeaderLanguage(' ')).toBeUndefined();
  });
});
