import { parse, printParseErrorCode, type ParseError as JsoncParseError } from 'jsonc-parser';
import { ConfigError } from '../lib/errors.js';

const WHAT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a key in double quotes expected',
  ValueExpected: 'a value expected',
  ColonExpected: '":" expected',
  CommaExpected: '"," expected',
  CloseBraceExpected: '"}" expected',
  CloseBracketExpected: '"]" expected',
  EndOfFileExpected: 'end of file expected',
  InvalidCommentToken: 'unfinished comment',
  UnexpectedEndOfComment: 'unfinished comment',
  UnexpectedEndOfString: 'unfinished string',
  UnexpectedEndOfNumber: 'unfinished number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/**
 * Returns the value of a config file's text: JSON with comments (`//`, `/* *\/`) and trailing commas allowed
 * (JSONC, as VS Code's settings); throws a ConfigError naming each syntax error as `file:line:column: what`.
 */
export function parseConfigText(text: string, name: string): unknown {
  const errors: JsoncParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length === 0) return value;
  throw new ConfigError(
    errors.slice(0, 5).map((e) => {
      const { line, column } = lineColumn(text, e.offset);
      const code = printParseErrorCode(e.error);
      return `${name}:${line}:${column}: not valid JSON: ${WHAT[code] ?? code}`;
    }),
  );
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
