import type { ParsedPerson } from '../../model.js';

const EMAIL = /(?:mailto:)?([\w.+'-]+@[\w-]+(?:\.[\w-]+)+)/i;

/**
 * Returns the person in a one-line author string as RSS and Dublin Core give it: `Name (email)`,
 * `email (Name)`, `Name <email>`, a bare email or a bare name (RSS 2.0 <author>, dc:creator, dc:author).
 */
export function parsePersonText(text: string): ParsedPerson {
  const trimmed = text.trim();
  const match = EMAIL.exec(trimmed);
  if (match?.[1] === undefined) return trimmed === '' ? {} : { name: trimmed };
  const name = (trimmed.slice(0, match.index) + trimmed.slice(match.index + match[0].length))
    .replace(/\(\s*\)|<\s*>/g, '')
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  return name === '' ? { email: match[1] } : { name, email: match[1] };
}
