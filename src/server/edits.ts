/**
 * Turns LSP content changes into tree-sitter edits, so the server can reparse incrementally
 * from the previous tree. Both sides count in UTF-16 code units (web-tree-sitter parses JS
 * strings), so positions and offsets carry over without conversion.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit, Point } from 'web-tree-sitter';

/** An incremental change as LSP sends it (full-text changes have no range). */
export interface RangeChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

const isPos = (p: unknown): boolean => {
  const x = p as { line?: unknown; character?: unknown } | null;
  return !!x && Number.isInteger(x.line) && Number.isInteger(x.character) && (x.line as number) >= 0 && (x.character as number) >= 0;
};

/**
 * True for a well-formed content change: a string, and either no range (full text) or a range
 * of two non-negative integer positions. A client bug (null positions) must not be applied: it
 * would silently put the text and the incremental tree out of step.
 */
export function isWellFormedChange(change: unknown): boolean {
  const c = change as { text?: unknown; range?: { start?: unknown; end?: unknown } | null } | null;
  if (!c || typeof c.text !== 'string') return false;
  if (!('range' in c) || c.range === undefined) return true;
  return !!c.range && isPos(c.range.start) && isPos(c.range.end);
}

/** The point just after `text` when it is inserted at `start`. */
export function endPointAfter(start: Point, text: string): Point {
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return { row: start.row, column: start.column + text.length };
  let rows = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: text.length - lastNewline - 1 };
}

/**
 * The tree-sitter edit for one change applied to `before` (the document as it was just before
 * this change). LSP positions past the end of a line are clamped by `offsetAt`, so the points are
 * recomputed from the offsets to stay consistent with them.
 */
export function treeEditFor(before: TextDocument, change: RangeChange): Edit {
  const startIndex = before.offsetAt(change.range.start);
  const oldEndIndex = before.offsetAt(change.range.end);
  const s = before.positionAt(startIndex);
  const e = before.positionAt(oldEndIndex);
  const startPosition = { row: s.line, column: s.character };
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + change.text.length,
    startPosition,
    oldEndPosition: { row: e.line, column: e.character },
    newEndPosition: endPointAfter(startPosition, change.text),
  };
}
