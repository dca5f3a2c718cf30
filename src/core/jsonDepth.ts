/**
 * A nesting-depth check for JSON and JSONC text, run before parsing: the parsers and validators
 * recurse once per level, so a file nested a few thousand levels deep (`[[[[...`) overflows the
 * stack and crashes the CLI or the language server's `initialize`. One linear pass, aware of
 * strings and comments, finds the first bracket past the limit.
 */

/** Deeper than any real `.aireg.json` or checklist; far below what overflows the stack. */
export const MAX_JSON_DEPTH = 64;

/** The offset of the first `{` or `[` nested deeper than `limit`, or -1 when there is none. */
export function findTooDeep(text: string, limit: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, honouring escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22 || d === 0x0a) break;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth > 0) depth--;
    }
  }
  return -1;
}
