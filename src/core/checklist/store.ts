/**
 * Reading and writing `.aireg/checklist.json`. The file is shared through git, so people edit it
 * by hand and merge it; a broken file is reported with its line and is never overwritten: the
 * caller keeps working in memory and writes a repaired copy only when the user asks.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { type Node as JsonNode, type ParseError, findNodeAtLocation, parse, parseTree, printParseErrorCode } from 'jsonc-parser';
import schema from '../../../data/schemas/checklist.schema.json';
import { type WriteOps, writeFileAtomic } from '../atomicWrite';
import { MAX_JSON_DEPTH, findTooDeep } from '../jsonDepth';
import { readTextFileSync } from '../readFile';
import { CHECKLIST_VERSION, type ChecklistFile, type ChecklistItem, clampItem, emptyChecklist, isItemState } from './model';

/** Why a state file could not be used, positioned for humans. */
export interface ChecklistFileError {
  kind: 'conflict-markers' | 'syntax' | 'schema' | 'io';
  /** 1-based line of the first problem (0 when unknown, e.g. an I/O error). */
  line: number;
  /** 1-based column in UTF-16 code units (0 when unknown). */
  column: number;
  message: string;
}

/** The result of parsing a state file's text. */
export type ParseResult =
  | { ok: true; file: ChecklistFile }
  | { ok: false; error: ChecklistFileError };

/** The result of reading the state file from disk. */
export type ReadResult =
  | { status: 'missing' }
  | { status: 'ok'; file: ChecklistFile; text: string }
  | { status: 'broken'; error: ChecklistFileError; text: string };

/** A checklist has a few hundred rows; a file beyond this is refused, not parsed. */
const MAX_CHECKLIST_BYTES = 16 * 1024 * 1024;

let validator: ValidateFunction | undefined;

/** Compiles the schema once; the same file documents the format for people and editors. */
function getValidator(): ValidateFunction {
  if (!validator) validator = new Ajv({ allErrors: false, strict: false }).compile(schema);
  return validator;
}

/** Converts a UTF-16 offset to a 1-based line and column. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})(?:[ \t]|$)/m;

/** Finds git merge-conflict markers, which JSON parsers report confusingly far from the cause. */
function findConflictMarker(text: string): ChecklistFileError | undefined {
  const m = CONFLICT_MARKER.exec(text);
  if (!m) return undefined;
  const { line, column } = lineColumn(text, m.index);
  return {
    kind: 'conflict-markers',
    line,
    column,
    message: `unresolved git merge-conflict marker "${m[1]}" at line ${line}; resolve the conflict (or run "aireg: Open Checklist" and choose to write a repaired copy)`,
  };
}

/** Describes where a schema error points, using the JSON node for the line. */
function schemaError(text: string, root: JsonNode | undefined, instancePath: string, message: string): ChecklistFileError {
  const segments = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = root ? findNodeAtLocation(root, segments) : undefined;
  // A missing property has no node; point at its parent object instead.
  for (let n = segments.length - 1; !node && n >= 0 && root; n--) node = findNodeAtLocation(root, segments.slice(0, n));
  const { line, column } = lineColumn(text, node?.offset ?? 0);
  const where = segments.length ? segments.join('.') : 'the top level';
  return { kind: 'schema', line, column, message: `${where} ${message} (line ${line})` };
}

/**
 * Parses and validates the text of a state file. Strict JSON: comments and trailing commas are
 * errors, because other tools (and git merges) read this file too.
 */
export function parseChecklist(text: string): ParseResult {
  const marker = findConflictMarker(text);
  if (marker) return { ok: false, error: marker };
  if (text.trim() === '') return { ok: false, error: { kind: 'syntax', line: 1, column: 1, message: 'the file is empty (line 1)' } };
  // The parser and the schema validator recurse per level; absurd nesting would overflow the stack.
  const deep = findTooDeep(text);
  if (deep >= 0) {
    const { line, column } = lineColumn(text, deep);
    return { ok: false, error: { kind: 'syntax', line, column, message: `the file is nested more than ${MAX_JSON_DEPTH} levels deep at line ${line}, column ${column}` } };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  if (errors.length) {
    const e = errors[0];
    const { line, column } = lineColumn(text, e.offset);
    const truncated = e.offset >= text.trimEnd().length;
    const what = truncated ? 'the file ends too early (truncated?)' : `JSON syntax error: ${printParseErrorCode(e.error)}`;
    return { ok: false, error: { kind: 'syntax', line, column, message: `${what} at line ${line}, column ${column}` } };
  }
  const value: unknown = parse(text);
  const validate = getValidator();
  if (!validate(value)) {
    const err = validate.errors?.[0];
    return { ok: false, error: schemaError(text, root, err?.instancePath ?? '', err?.message ?? 'is invalid') };
  }
  return { ok: true, file: value as ChecklistFile };
}

/** Reads the state file. A missing file is not an error; an unreadable one is. Never writes. */
export function readChecklist(file: string): ReadResult {
  let text: string;
  try {
    text = readTextFileSync(file, MAX_CHECKLIST_BYTES);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'broken', text: '', error: { kind: 'io', line: 0, column: 0, message: `cannot read ${file}: ${(e as Error).message}` } };
  }
  // A UTF-8 byte-order mark some editors add is harmless; strip it before parsing.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const r = parseChecklist(body);
  return r.ok ? { status: 'ok', file: r.file, text } : { status: 'broken', error: r.error, text };
}

/** Serialises a state file deterministically (sorted ids, two-space indent) so git diffs stay small. */
export function serializeChecklist(file: ChecklistFile): string {
  const items: Record<string, ChecklistItem> = {};
  for (const id of Object.keys(file.items).sort()) {
    const it = clampItem(file.items[id]);
    items[id] = { state: it.state, note: it.note, updatedBy: it.updatedBy, updatedAt: it.updatedAt };
  }
  const out: ChecklistFile = { ...(file.$schema ? { $schema: file.$schema } : {}), version: CHECKLIST_VERSION, items };
  return JSON.stringify(out, null, 2) + '\n';
}

export { type WriteOps, writeFileAtomic } from '../atomicWrite';

/** Validates and writes a state file atomically. Throws if the content would not validate. */
export function writeChecklist(target: string, file: ChecklistFile, ops: Partial<WriteOps> = {}): string {
  const text = serializeChecklist(file);
  const check = parseChecklist(text);
  if (!check.ok) throw new Error(`refusing to write an invalid checklist: ${check.error.message}`);
  writeFileAtomic(target, text, ops);
  return text;
}

/** Keeps the rows of a loosely parsed value that are individually valid. */
function salvageRows(value: unknown): Record<string, ChecklistItem> {
  const out: Record<string, ChecklistItem> = {};
  const items = (value as { items?: unknown } | undefined)?.items;
  if (!items || typeof items !== 'object' || Array.isArray(items)) return out;
  for (const [id, raw] of Object.entries(items as Record<string, unknown>)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !raw || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    if (!isItemState(r.state)) continue;
    out[id] = {
      state: r.state,
      note: typeof r.note === 'string' ? r.note : '',
      updatedBy: typeof r.updatedBy === 'string' ? r.updatedBy : '',
      updatedAt: typeof r.updatedAt === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(r.updatedAt) ? r.updatedAt : '',
    };
  }
  return out;
}

/** Splits text with git conflict markers into the "ours" and "theirs" versions. */
export function splitConflict(text: string): { ours: string; theirs: string } {
  const ours: string[] = [];
  const theirs: string[] = [];
  let side: 'both' | 'ours' | 'base' | 'theirs' = 'both';
  for (const line of text.split('\n')) {
    if (/^<{7}(?:[ \t]|$)/.test(line)) side = 'ours';
    else if (/^\|{7}(?:[ \t]|$)/.test(line)) side = 'base';
    else if (/^={7}(?:[ \t]|$)/.test(line) && side !== 'both') side = 'theirs';
    else if (/^>{7}(?:[ \t]|$)/.test(line)) side = 'both';
    else {
      if (side === 'both' || side === 'ours') ours.push(line);
      if (side === 'both' || side === 'theirs') theirs.push(line);
    }
  }
  return { ours: ours.join('\n'), theirs: theirs.join('\n') };
}

/**
 * Recovers what can be recovered from a broken file: for a merge conflict both sides are read
 * and the newer row wins; otherwise the tolerant parser keeps every row that is still valid.
 * Used only to offer a repaired copy the user explicitly asks for.
 */
export function salvageChecklist(text: string): ChecklistFile {
  const result = emptyChecklist();
  const versions = CONFLICT_MARKER.test(text) ? Object.values(splitConflict(text)) : [text];
  for (const v of versions) {
    // Too deep to parse safely: nothing is recovered from that version.
    if (findTooDeep(v) >= 0) continue;
    const rows = salvageRows(parse(v, [], { allowTrailingComma: true, disallowComments: false }));
    for (const [id, row] of Object.entries(rows)) {
      const prev = result.items[id];
      if (!prev || row.updatedAt > prev.updatedAt) result.items[id] = row;
    }
  }
  return result;
}
