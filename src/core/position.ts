/**
 * Position conversions in one place. tree-sitter (web-tree-sitter over a JS string) reports rows
 * and columns in UTF-16 code units, which is exactly what LSP wants; SARIF wants 1-based lines
 * and columns (we declare `utf16CodeUnits`).
 */
import type { Node } from 'web-tree-sitter';
import type { Range } from './types';

export function rangeOfNode(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
    startOffset: node.startIndex,
    endOffset: node.endIndex,
  };
}

/** Builds a Range from UTF-16 offsets into `text`. */
export function rangeFromOffsets(text: string, startOffset: number, endOffset: number): Range {
  return { start: positionAt(text, startOffset), end: positionAt(text, endOffset), startOffset, endOffset };
}

/** True when the text has a carriage return not followed by a line feed (old Mac line ends). */
export function hasLoneCR(text: string): boolean {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) return true;
  return false;
}

/**
 * Line and character of an offset with LSP's line breaks: `\n`, `\r\n` and a lone `\r`
 * (VS Code and LSP count all three; tree-sitter counts only `\n`).
 */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/**
 * {@link positionAt} for many offsets into one text, in any order: the line starts are found in
 * one pass, then each offset by a binary search. Asking `positionAt` for each scans from the start
 * every time, which is quadratic for many offsets (a file with many suppression comments was).
 */
export function positionsIn(text: string): (offset: number) => { line: number; character: number } {
  const starts = [0];
  if (text.indexOf('\r') < 0) {
    // Only `\n` ends lines: `indexOf` finds each at native speed, where a loop over every code
    // unit cost 1.3 ms per keystroke in a 5,000-line file.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo]! };
  };
}

/**
 * Recomputes the positions of ranges from their offsets when the text has lone `\r` line ends,
 * where tree-sitter's rows and columns (which count only `\n`) disagree with the editor.
 */
export function fixLoneCRPositions(text: string, ranges: Iterable<Range>): void {
  if (!hasLoneCR(text)) return;
  const at = positionsIn(text);
  for (const r of ranges) {
    r.start = at(r.startOffset);
    r.end = at(r.endOffset);
  }
}

/** SARIF region (1-based lines and columns, UTF-16 code units). */
export function sarifRegion(range: Range): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}
