import type { ParsedPerson } from '../../model.js';

/** Returns the non-empty strings in first-seen order without exact duplicates. */
export function uniqueStrings(values: Iterable<string | undefined>): string[] {
  const seen = new Set<string>();
  for (const value of values) if (value !== undefined && value !== '') seen.add(value);
  return [...seen];
}

/**
 * Returns the persons in first-seen order without duplicates; a name-only person is dropped when a
 * richer person with the same name is present (podcast feeds repeat `<author>` as `itunes:author`).
 */
export function uniquePersons(persons: Iterable<ParsedPerson | undefined>): ParsedPerson[] {
  const result: ParsedPerson[] = [];
  const keys = new Set<string>();
  for (const person of persons) {
    if (person === undefined || (person.name === undefined && person.email === undefined && person.uri === undefined)) continue;
    const key = JSON.stringify([person.name, person.email, person.uri]);
    if (keys.has(key)) continue;
    keys.add(key);
    result.push(person);
  }
  return result.filter(
    (person) =>
      person.email !== undefined ||
      person.uri !== undefined ||
      !result.some((other) => other !== person && other.name === person.name && (other.email !== undefined || other.uri !== undefined)),
  );
}
