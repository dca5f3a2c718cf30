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
import { lowerBound } from '../../sorted';
import { commonEnds } from './text';

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
 *
 * The editor asks this of a file on every keystroke, for texts that differ by one edit: the last
 * answer per variant is kept, and a new text is lexed again only from a line start before the edit
 * until the lexer is back in step with the last run after it (see {@link relex}). The answer is
 * the same as a lexing from the start: the test of this module checks it on random edits.
 */
export function codeWithoutProse(text: string, family: Family, options: { keepStrings?: boolean } = {}): string {
  const keepStrings = !!options.keepStrings;
  if (text.length <= RELEX_MIN_CHARS) return lexFrom(text, family, keepStrings, 0, 0, [], [], []).out;
  const key = `${family}:${keepStrings}`;
  let runs = lastRuns.get(key);
  if (!runs) lastRuns.set(key, (runs = []));
  // The guards also lex parts of a file (a function's text): the run to start from is the one of
  // the text closest in length, which after an edit is the same file's. A run of very different
  // length is another text (a function of the file, the whole file): relexing from it would read
  // all of this one anyway, and replacing it would lose the file's run, so the next keystroke
  // would lex the whole file again.
  let last: LexRun | undefined;
  for (const r of runs) {
    if (r.text === text) return r.out;
    if (!last || Math.abs(r.text.length - text.length) < Math.abs(last.text.length - text.length)) last = r;
  }
  if (last && Math.abs(last.text.length - text.length) > Math.max(SAME_TEXT_SLACK, text.length >> 3)) last = undefined;
  const run = last ? relex(last, text) : lexFrom(text, family, keepStrings, 0, 0, [], [], []);
  if (last) runs.splice(runs.indexOf(last), 1);
  runs.unshift(run);
  if (runs.length > KEPT_RUNS) runs.pop();
  return run.out;
}

/** Runs kept per variant: the file being edited and the larger parts of it the guards read. */
const KEPT_RUNS = 4;
/** A text this much longer or shorter than a kept run's (or an eighth) is not an edit of it. */
const SAME_TEXT_SLACK = 256;

/** {@link codeWithoutProse} lexed from the start, whatever was lexed before (for tests). */
export function codeWithoutProseFromStart(text: string, family: Family, options: { keepStrings?: boolean } = {}): string {
  return lexFrom(text, family, !!options.keepStrings, 0, 0, [], [], []).out;
}

/** Below this size a text is lexed from the start (the bookkeeping would cost more). */
const RELEX_MIN_CHARS = 4096;

/** One lexing of a text: its output, and where the lexer could start again (see {@link relex}). */
interface LexRun {
  text: string;
  family: Family;
  keepStrings: boolean;
  out: string;
  /** Line starts the lexer reached in code (not inside a comment or string), ascending. */
  syncs: number[];
  /** Per sync: how far into the text the lexer had read (looking for a string's or comment's end) before it. */
  horizons: number[];
}

const lastRuns = new Map<string, LexRun[]>();

/**
 * Lexes `text` from `from`, a line start in code, with `parts` holding the output before it and
 * `read` how far the lexing before it had read. Stops early at a line start in code where the
 * output from there on is known to be `resume.out` from `resume.at` (a text that ends the same).
 */
function lexFrom(
  text: string,
  family: Family,
  keepStrings: boolean,
  from: number,
  read: number,
  parts: string[],
  syncs: number[],
  horizons: number[],
  resume?: { after: number; old: LexRun; delta: number },
): LexRun {
  const n = text.length;
  // Start of the code not yet copied to `parts`.
  let copied = from;
  const blank = (a: number, b: number): void => {
    parts.push(text.slice(copied, a), ' '.repeat(b - a));
    copied = b;
  };
  const python = family === 'python';
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (python ? c === HASH : c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      let j = text.indexOf('\n', i);
      if (j < 0) j = n;
      if (j > read) read = j;
      blank(i, j);
      i = j;
    } else if (!python && c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      const j = end < 0 ? n : end + 2;
      if (j > read) read = j;
      blank(i, j);
      i = j;
    } else if (c === DQ || c === SQ) {
      const j = python ? pythonStringEnd(text, i) : lineStringEnd(text, i, c);
      if (j < 0) {
        // Not closed: the search read to the end of the line, or of the text for `"""`.
        const eol = text.indexOf('\n', i);
        const reached = python && text.startsWith(text[i]!.repeat(3), i) ? n : eol < 0 ? n : eol;
        if (reached > read) read = reached;
        i++;
        continue;
      }
      if (j > read) read = j;
      // Code inside (`f"{rank(user)}"`) makes an f-string part of the program, not prose.
      if (!keepStrings && !(python && /[fF]/.test(prefixOf(text, i)))) blank(i, j);
      i = j;
    } else {
      i++;
      if (c === NL && i < n) {
        if (resume && i >= resume.after) {
          // In the common end of both texts, at a line start the last run also reached in code:
          // from here on, both lexings read the same text the same way.
          const at = indexOf(resume.old.syncs, i - resume.delta);
          if (at >= 0) {
            parts.push(text.slice(copied, i), resume.old.out.slice(i - resume.delta));
            const { old, delta } = resume;
            for (let k = at; k < old.syncs.length; k++) {
              syncs.push(old.syncs[k]! + delta);
              horizons.push(Math.max(read, old.horizons[k]! + delta));
            }
            return { text, family, keepStrings, out: parts.join(''), syncs, horizons };
          }
        }
        syncs.push(i);
        horizons.push(read);
      }
    }
  }
  if (copied === 0) return { text, family, keepStrings, out: text, syncs, horizons };
  parts.push(text.slice(copied));
  return { text, family, keepStrings, out: parts.join(''), syncs, horizons };
}

/**
 * Lexes a text that differs from `last.text` by one edit (or a few close together): from the
 * last line start before the edit whose lexing had not read past it, until a line start in the
 * common end of both texts where the last run was in code too; the output around that is the last
 * run's. Any text lexes correctly this way; one with a difference everywhere just costs a full run.
 */
function relex(last: LexRun, text: string): LexRun {
  const old = last.text;
  const { p, q } = commonEnds(old, text);
  // The last sync at or before p whose lexing had read only text before p (both are ascending).
  let lo = 0;
  let hi = last.syncs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (last.syncs[mid]! <= p && last.horizons[mid]! < p) lo = mid + 1;
    else hi = mid;
  }
  const k = lo - 1;
  const from = k >= 0 ? last.syncs[k]! : 0;
  const parts = from > 0 ? [last.out.slice(0, from)] : [];
  return lexFrom(text, last.family, last.keepStrings, from, k >= 0 ? last.horizons[k]! : 0, parts, last.syncs.slice(0, k + 1), last.horizons.slice(0, k + 1), {
    after: text.length - q,
    old: last,
    delta: text.length - old.length,
  });
}

/** The index of `value` in an ascending list, or -1. */
function indexOf(list: readonly number[], value: number): number {
  const i = lowerBound(list, value);
  return list[i] === value ? i : -1;
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
