import { describe, expect, it } from 'vitest';
import { canonicalUrl, isTrackingParam } from '../../../src/normalize/canonical-url.js';

describe('canonicalUrl', () => {
  const cases: { name: string; href: string | undefined; base?: string; want: string | null }[] = [
    { name: 'already canonical', href: 'https://example.com/a/b?x=1', want: 'https://example.com/a/b?x=1' },
    { name: 'trims whitespace', href: '  \n https://example.com/a \t', want: 'https://example.com/a' },
    {
      name: 'lower-cases scheme and host, keeps path case',
      href: 'HTTPS://Example.COM/Path/Case',
      want: 'https://example.com/Path/Case',
    },
    { name: 'drops default http port', href: 'http://example.com:80/a', want: 'http://example.com/a' },
    { name: 'drops default https port', href: 'https://example.com:443/a', want: 'https://example.com/a' },
    { name: 'keeps a non-default port', href: 'https://example.com:8443/a', want: 'https://example.com:8443/a' },
    { name: 'drops the fragment', href: 'https://example.com/a#section-2', want: 'https://example.com/a' },
    { name: 'drops an empty fragment', href: 'https://example.com/a#', want: 'https://example.com/a' },
    {
      name: 'removes utm_* and click ids, keeps the others in order',
      href: 'https://example.com/a?z=9&utm_source=rss&a=1&fbclid=X&utm_medium=feed&m=2&gclid=G',
      want: 'https://example.com/a?z=9&a=1&m=2',
    },
    {
      name: 'removes mailchimp, hubspot, marketo, twitter and alibaba trackers',
      href: 'https://example.com/?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4&mkt_tok=5&ref_src=twsrc&spm=a.b&id=7',
      want: 'https://example.com/?id=7',
    },
    {
      name: 'tracking names are case-insensitive',
      href: 'https://example.com/a?UTM_Source=x&FBCLID=y&q=1',
      want: 'https://example.com/a?q=1',
    },
    {
      name: 'drops the ? when only trackers were there',
      href: 'https://example.com/a?utm_campaign=x&msclkid=y',
      want: 'https://example.com/a',
    },
    { name: 'drops an empty ?', href: 'https://example.com/a?', want: 'https://example.com/a' },
    {
      name: 'keeps kept params byte for byte',
      href: 'https://example.com/s?q=a%20b&x=%2F',
      want: 'https://example.com/s?q=a%20b&x=%2F',
    },
    {
      name: 'does not touch look-alike names',
      href: 'https://example.com/?utm=1&ref=2&source=3',
      want: 'https://example.com/?utm=1&ref=2&source=3',
    },
    {
      name: 'resolves a root-relative path',
      href: '/2015/03/story',
      base: 'https://news.example.org/feed.xml',
      want: 'https://news.example.org/2015/03/story',
    },
    {
      name: 'resolves a path-relative reference',
      href: 'story.html',
      base: 'https://example.org/blog/feed/',
      want: 'https://example.org/blog/feed/story.html',
    },
    {
      name: 'resolves a protocol-relative reference',
      href: '//cdn.example.net/x',
      base: 'https://example.org/',
      want: 'https://cdn.example.net/x',
    },
    { name: 'removes dot segments', href: 'https://example.org/a/./b/../c', want: 'https://example.org/a/c' },
    {
      name: 'an absolute href ignores the base',
      href: 'http://other.example/x',
      base: 'https://example.org/',
      want: 'http://other.example/x',
    },
    { name: 'relative without base', href: '/story', want: null },
    { name: 'relative with a bad base', href: '/story', base: 'not a url', want: null },
    { name: 'javascript: scheme', href: 'javascript:alert(1)', want: null },
    { name: 'mailto: scheme', href: 'mailto:editor@example.org', want: null },
    { name: 'ftp: scheme', href: 'ftp://example.org/file', want: null },
    { name: 'undefined', href: undefined, want: null },
    { name: 'blank', href: '   ', want: null },
    { name: 'garbage', href: 'http://', want: null },
  ];

  it.each(cases)('$name', ({ href, base, want }) => {
    expect(canonicalUrl(href, base)).toBe(want);
  });

  it('is idempotent', () => {
    const once = canonicalUrl('HTTP://Example.com:80/a/../b?utm_source=x&k=v#top');
    expect(once).toBe('http://example.com/b?k=v');
    expect(canonicalUrl(once ?? undefined)).toBe(once);
  });
});

describe('isTrackingParam', () => {
  it.each([
    ['utm_source', true],
    ['utm_whatever_new', true],
    ['utm%5Fsource', true],
    ['mtm_campaign', true],
    ['igshid', true],
    ['yclid', true],
    ['dclid', true],
    ['page', false],
    ['id', false],
    ['%E0%A4%A', false],
  ] as const)('%s → %s', (name, want) => {
    expect(isTrackingParam(name)).toBe(want);
  });
});
