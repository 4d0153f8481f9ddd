import { describe, expect, it } from 'vitest';
import type { ParsedPerson } from '../../../../src/model.js';
import { uniquePersons, uniqueStrings } from '../../../../src/parse/formats/unique.js';

describe('uniqueStrings', () => {
  it('keeps first-seen order and drops duplicates, empties and undefined', () => {
    expect(uniqueStrings(['b', 'a', undefined, 'b', '', 'c', 'a'])).toStrictEqual(['b', 'a', 'c']);
  });

  it('is case-sensitive (cleaning is normalize’s job)', () => {
    expect(uniqueStrings(['News', 'news'])).toStrictEqual(['News', 'news']);
  });
});

const persons: Array<[label: string, input: Array<ParsedPerson | undefined>, expected: ParsedPerson[]]> = [
  ['drops exact duplicates', [{ name: 'A' }, { name: 'A' }], [{ name: 'A' }]],
  ['drops empty persons and undefined', [{}, undefined, { email: 'a@x' }], [{ email: 'a@x' }]],
  ['folds a name-only person into a richer one of the same name', [{ name: 'A' }, { name: 'A', email: 'a@x' }], [{ name: 'A', email: 'a@x' }]],
  ['keeps two richer persons with the same name', [{ name: 'A', email: 'a@x' }, { name: 'A', uri: 'https://a' }], [{ name: 'A', email: 'a@x' }, { name: 'A', uri: 'https://a' }]],
  ['keeps different names', [{ name: 'A' }, { name: 'B' }], [{ name: 'A' }, { name: 'B' }]],
];

describe('uniquePersons', () => {
  it.each(persons)('%s', (_label, input, expected) => {
    expect(uniquePersons(input)).toStrictEqual(expected);
  });
});
