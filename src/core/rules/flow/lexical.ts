/**
 * The code of a file without its prose: comments and plain string literals blanked, read by a
 * one-pass lexer (no parse), for text prefilters that look for words in names. Real code bases
 * say "the following", "user" and "order" in comments and docstrings far more often than in
 * names; a prefilter that reads them opens files no rule will report in.
 *
 * A prefilter must never reject a file its rule can report in, so this lexer only blanks what it
 * is sure of: a comment, or a string literal closed on the same line (a triple-quoted Python
 * string may span lines). Template literals and f-strings hold code and are kept; so is an
 * unterminated quote (a regular-expression literal such as `/'/` is not a string).
 */
import type { Family } from '../../analysis/model';

const NL = 10;
const SLASH = 47;
const STAR = 42;
const HASH = 35;
const BACKSLASH = 92;
const DQ = 34;
const SQ = 39;

/**
 * Source text with comments and closed plain string literals replaced by spaces (same length).
 * With `keepStrings`, only comments are blanked: strings are still read, so a `//` or `#` inside
 * one (`"a//b"`, `"#tag"`) is not taken for the start of a comment.
 */
export function codeWithoutProse(text: string, family: Family, options: { keepStrings?: boolean } = {}): string {
  const n = text.length;
  const parts: string[] = [];
  // Start of the code not yet copied to `parts`.
  let copied = 0;
  const blank = (from: number, to: number): void => {
    parts.push(text.slice(copied, from), ' '.repeat(to - from));
    copied = to;
  };
  const python = family === 'python';
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (python ? c === HASH : c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      let j = text.indexOf('\n', i);
      if (j < 0) j = n;
      blank(i, j);
      i = j;
    } else if (!python && c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      const j = end < 0 ? n : end + 2;
      blank(i, j);
      i = j;
    } else if (c === DQ || c === SQ) {
      const j = python ? pythonStringEnd(text, i) : lineStringEnd(text, i, c);
      if (j < 0) {
        i++;
        continue;
      }
      // Code inside (`f"{rank(user)}"`) makes an f-string part of the program, not prose.
      if (!options.keepStrings && !(python && /[fF]/.test(prefixOf(text, i)))) blank(i, j);
      i = j;
    } else i++;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** The end (exclusive) of a one-line string opened at `i` by `quote`, or -1 when it is not closed on its line. */
function lineStringEnd(text: string, i: number, quote: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === quote) return j + 1;
    else if (c === NL) return -1;
  }
  return -1;
}

/** The end (exclusive) of a Python string opened at `i`, one-line or triple-quoted, or -1. */
function pythonStringEnd(text: string, i: number): number {
  const q = text[i]!;
  if (text.startsWith(q + q + q, i)) {
    for (let j = i + 3; j < text.length; j++) {
      if (text.charCodeAt(j) === BACKSLASH) j++;
      else if (text.startsWith(q + q + q, j)) return j + 3;
    }
    return -1;
  }
  return lineStringEnd(text, i, q.charCodeAt(0));
}

/** The letters right before a quote (`rb`, `f`, `Fr`), which make a Python string prefix. */
function prefixOf(text: string, i: number): string {
  let j = i;
  while (j > 0 && j > i - 3 && /[A-Za-z]/.test(text[j - 1]!)) j--;
  return text.slice(j, i);
}
