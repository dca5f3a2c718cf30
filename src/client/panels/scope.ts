/**
 * The roles and jurisdictions the checklist covers, read from and (on request) written to
 * `.aireg.json`. Reading tells "not set" apart from "set to the defaults", so the checklist asks
 * only when the team has not decided. Writing edits the JSONC file in place, keeping comments,
 * and refuses to touch a file that does not parse. Free of `vscode` so it is unit-tested.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ParseError, applyEdits, modify, parse, printParseErrorCode } from 'jsonc-parser';
import { writeFileAtomic } from '../../core/checklist/store';
import { MAX_JSON_DEPTH, findTooDeep } from '../../core/jsonDepth';
import { readTextFileSync } from '../../core/readFile';

/** Roles the config schema accepts (data/schemas/aireg-config.schema.json). */
export const CONFIG_ROLES = ['service-provider', 'technical-supporter', 'user', 'app-distribution-platform', 'content-platform', 'research-institution', 'deployer', 'very-large-platform'] as const;
export const CONFIG_JURISDICTIONS = ['CN', 'EU'] as const;

export interface Scope {
  roles: string[];
  jurisdictions: string[];
}

export interface ReadScope {
  /** Only the keys the file sets with valid values. */
  roles?: string[];
  jurisdictions?: string[];
  /** Set when `.aireg.json` exists but does not parse; it must not be written then. */
  error?: string;
  exists: boolean;
}

const CONFIG_FILE = '.aireg.json';

function validList(v: unknown, allowed: readonly string[]): string[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && allowed.includes(x)) ? (v as string[]) : undefined;
}

/** Reads roles and jurisdictions from `<root>/.aireg.json` without applying defaults. */
export function readScope(root: string): ReadScope {
  let text: string;
  try {
    text = readTextFileSync(path.join(root, CONFIG_FILE), 1024 * 1024);
  } catch {
    return { exists: false };
  }
  // The parser recurses per level: absurd nesting is reported, never parsed (it would overflow).
  const deep = findTooDeep(text);
  if (deep >= 0) return { exists: true, error: `${CONFIG_FILE}: nested more than ${MAX_JSON_DEPTH} levels deep at line ${text.slice(0, deep).split('\n').length}` };
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const line = text.slice(0, errors[0].offset).split('\n').length;
    return { exists: true, error: `${CONFIG_FILE}: ${printParseErrorCode(errors[0].error)} at line ${line}` };
  }
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const out: ReadScope = { exists: true };
  const roles = validList(obj.roles, CONFIG_ROLES);
  const jurisdictions = validList(obj.jurisdictions, CONFIG_JURISDICTIONS);
  if (roles) out.roles = roles;
  if (jurisdictions) out.jurisdictions = jurisdictions;
  return out;
}

/**
 * Writes roles and jurisdictions into `<root>/.aireg.json`, creating it if missing and keeping
 * every other key and comment. Throws (writing nothing) if the file exists but does not parse.
 */
export function writeScope(root: string, scope: Scope): void {
  const file = path.join(root, CONFIG_FILE);
  const current = readScope(root);
  if (current.error) throw new Error(`${current.error}; fix it before aireg can record roles`);
  let text = current.exists ? fs.readFileSync(file, 'utf8') : '{\n}\n';
  const fmt = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };
  text = applyEdits(text, modify(text, ['roles'], scope.roles, fmt));
  text = applyEdits(text, modify(text, ['jurisdictions'], scope.jurisdictions, fmt));
  writeFileAtomic(file, text.endsWith('\n') ? text : text + '\n');
}
