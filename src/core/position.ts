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

export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
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
