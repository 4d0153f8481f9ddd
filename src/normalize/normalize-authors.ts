// Author names for display: RSS gives `email (Name)`, some feeds `Name <email>`, Atom/JSON Feed name and email apart.
import type { ParsedPerson } from '../model.js';
import { collapseWhitespace, decodeEntities } from './html-to-text.js';

/**
 * Returns the display name of one person: the name, else the name inside an email form, else the email; null when
 * empty.
 */
export function normalizeAuthor(person: ParsedPerson): string | null {
  const raw = collapseWhitespace(decodeEntities(person.name ?? ''));
  const fallback = collapseWhitespace(person.email ?? '');
  const text = raw !== '' ? raw : fallback;
  if (text === '') return null;
  // RSS 2.0 <author>: "lawyer@boyer.net (Lawyer Boyer)".
  const emailThenName = /^(?:mailto:)?\S+@\S+\s*\((.+)\)$/i.exec(text);
  if (emailThenName?.[1] !== undefined) return stripQuotes(emailThenName[1]) || text;
  // RFC 5322 mailbox: "Lawyer Boyer <lawyer@boyer.net>".
  const nameThenEmail = /^(.+?)\s*<[^<>]*@[^<>]*>$/.exec(text);
  if (nameThenEmail?.[1] !== undefined) return stripQuotes(nameThenEmail[1]) || text;
  // A bare "<lawyer@boyer.net>" or "mailto:lawyer@boyer.net".
  return text.replace(/^<(.*)>$/, '$1').replace(/^mailto:/i, '') || null;
}

/**
 * Returns the display names of `people`, blank ones dropped and duplicates (case-insensitive) removed, first spelling
 * kept.
 */
export function normalizeAuthors(people: readonly ParsedPerson[]): string[] {
  return dedupeCaseInsensitive(people.map(normalizeAuthor).filter((name): name is string => name !== null));
}

/** Returns `values` without case-insensitive duplicates, in first-seen order. */
export function dedupeCaseInsensitive(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const value of values) {
    // toLowerCase is toLocaleLowerCase('en') (English has no language-sensitive case mappings), without ICU's cost.
    const key = value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(value);
  }
  return result;
}

function stripQuotes(text: string): string {
  return text.replace(/^\s*["']\s*|\s*["']\s*$/g, '').trim();
}
