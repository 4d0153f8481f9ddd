import { describe, expect, it } from 'vitest';
import { normalizeAuthor, normalizeAuthors } from '../../../src/normalize/normalize-authors.js';
import type { ParsedPerson } from '../../../src/model.js';

describe('normalizeAuthor', () => {
  it.each<[string, ParsedPerson, string | null]>([
    ['name', { name: 'Jane Doe' }, 'Jane Doe'],
    ['name wins over email', { name: 'Jane Doe', email: 'jane@example.org' }, 'Jane Doe'],
    ['email when no name', { email: 'jane@example.org' }, 'jane@example.org'],
    ['RSS "email (Name)" in the name field', { name: 'jane@example.org (Jane Doe)' }, 'Jane Doe'],
    ['RSS "email (Name)" in the email field', { email: 'jane@example.org (Jane Doe)' }, 'Jane Doe'],
    ['"Name <email>"', { name: 'Jane Doe <jane@example.org>' }, 'Jane Doe'],
    ['quoted "Name" <email>', { name: '"Doe, Jane" <jane@example.org>' }, 'Doe, Jane'],
    ['bare <email>', { email: '<jane@example.org>' }, 'jane@example.org'],
    ['whitespace trimmed and collapsed', { name: '  Jane \n  Doe ' }, 'Jane Doe'],
    ['blank name falls back to email', { name: '  ', email: 'j@example.org' }, 'j@example.org'],
    ['uri only is no author', { uri: 'https://example.org/jane' }, null],
    ['nothing', {}, null],
  ])('%s', (_name, person, want) => {
    expect(normalizeAuthor(person)).toBe(want);
  });
});

describe('normalizeAuthors', () => {
  it('drops blanks and case-insensitive duplicates, keeping the first spelling and order', () => {
    expect(
      normalizeAuthors([
        { name: 'Jane Doe' },
        { name: ' ' },
        { name: 'John Roe' },
        { email: 'x@example.org (jane doe)' },
        { name: 'Jane Doe' },
      ]),
    ).toEqual(['Jane Doe', 'John Roe']);
  });
});
