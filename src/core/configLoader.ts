/**
 * Loads `.aireg.json` (JSONC) for the CLI and the language server alike. The file is never
 * modified. A broken file never stops a scan: syntax errors cost the whole file (defaults are
 * used) and are reported with line and column; a key of the wrong type costs only that key;
 * unknown keys are warnings. The caller decides what is fatal (the CLI fails on errors in a
 * file passed explicitly with `--config`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { type Node as JsonNode, type ParseError, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import schema from '../../data/schemas/aireg-config.schema.json';
import { type AiregConfig, defaultConfig } from './config';
import { MAX_JSON_DEPTH, findTooDeep } from './jsonDepth';
import { FileTooLargeError, NotRegularFileError, readTextFileSync } from './readFile';

/** No real configuration comes near this; a bigger file is refused rather than parsed. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The config file name aireg looks for in a workspace root. */
export const CONFIG_FILE_NAME = '.aireg.json';

/** One problem in a config file, positioned for humans (1-based line and column). */
export interface ConfigError {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column in UTF-16 code units. */
  column: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface LoadedConfig {
  /** The effective configuration: defaults overlaid with every valid key of the file. */
  config: AiregConfig;
  errors: ConfigError[];
  /** The file that was read, when one was found. */
  path?: string;
}

const SCHEMA_ID = (schema as { $id: string }).$id;
const TOP_KEYS = Object.keys((schema as { properties: Record<string, unknown> }).properties);
const RULE_IDS = new Set<string>((schema as { properties: { rules: { propertyNames: { enum: string[] } } } }).properties.rules.propertyNames.enum);

let validators: { byKey: Map<string, ValidateFunction>; ruleSetting: ValidateFunction } | undefined;

/** Compiles one validator per top-level key so a bad key never invalidates its neighbours. */
function getValidators(): NonNullable<typeof validators> {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(schema);
    const byKey = new Map<string, ValidateFunction>();
    for (const key of TOP_KEYS) {
      if (key === 'rules' || key === '$schema') continue;
      byKey.set(key, ajv.getSchema(`${SCHEMA_ID}#/properties/${key}`)!);
    }
    validators = { byKey, ruleSetting: ajv.getSchema(`${SCHEMA_ID}#/definitions/ruleSetting`)! };
  }
  return validators;
}

/** Converts a UTF-16 offset to a 1-based line and column. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Describes the first ajv error in words a person can act on. */
function describe(key: string, errors: ErrorObject[] | null | undefined): string {
  const e = errors?.find((x) => x.keyword !== 'oneOf') ?? errors?.[0];
  if (!e) return `"${key}" is invalid`;
  const where = `"${key}${e.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}"`;
  switch (e.keyword) {
    case 'type': return `${where} must be of type ${String(e.params.type)}`;
    case 'enum': return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'minimum': return `${where} must be at least ${String(e.params.limit)}`;
    case 'minLength': return `${where} must not be empty`;
    case 'uniqueItems': return `${where} must not repeat items`;
    case 'additionalProperties': return `${where} has an unknown property "${String(e.params.additionalProperty)}"`;
    default: return `${where} ${e.message ?? 'is invalid'}`;
  }
}

/** The JSON node an ajv error points at, so messages name the exact line and column. */
function nodeForError(valueNode: JsonNode, e: ErrorObject | undefined): JsonNode {
  if (!e?.instancePath) return valueNode;
  const segments = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  return findNodeAtLocation(valueNode, segments) ?? valueNode;
}

/** jsonc-parser builds null-prototype objects; plain copies compare and clone like JSON. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * Parses and validates config text. Exported for the language server, which validates unsaved
 * editor buffers with it.
 */
export function parseConfigText(text: string, file: string): { config: AiregConfig; errors: ConfigError[] } {
  const config = defaultConfig();
  const errors: ConfigError[] = [];
  const at = (offset: number, message: string, severity: ConfigError['severity']): void => {
    errors.push({ file, ...lineColumn(text, offset), message, severity });
  };

  // Parsing and validation recurse per level: refuse absurd nesting before it overflows the stack.
  const deep = findTooDeep(text);
  if (deep >= 0) {
    at(deep, `the configuration is nested more than ${MAX_JSON_DEPTH} levels deep; using the default configuration`, 'error');
    return { config, errors };
  }
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  if (parseErrors.length > 0) {
    // A syntax error makes every value after it suspect; defaults are the safe choice.
    const first = parseErrors[0]!;
    at(first.offset, `invalid JSON: ${printParseErrorCode(first.error)}; using the default configuration`, 'error');
    return { config, errors };
  }
  if (!root || root.type !== 'object') {
    at(root?.offset ?? 0, 'the configuration must be a JSON object; using the default configuration', 'error');
    return { config, errors };
  }

  const { byKey, ruleSetting } = getValidators();
  const target = config as unknown as Record<string, unknown>;
  for (const prop of root.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    if (key === '$schema') continue;
    if (key === 'rules') {
      if (valueNode.type !== 'object') {
        at(valueNode.offset, `"rules" must be of type object; using the default for "rules"`, 'error');
        continue;
      }
      const rules: Record<string, unknown> = {};
      for (const ruleProp of valueNode.children ?? []) {
        const [ruleKey, ruleValue] = ruleProp.children ?? [];
        if (!ruleKey || !ruleValue) continue;
        const id = String(ruleKey.value);
        if (!RULE_IDS.has(id)) {
          at(ruleKey.offset, `unknown rule id "${id}" in "rules" (known: ${[...RULE_IDS].join(', ')}); ignored`, 'warning');
          continue;
        }
        const value = plain(getNodeValue(ruleValue));
        if (!ruleSetting(value)) {
          at(ruleValue.offset, `"rules.${id}" must be one of "off", "info", "warning", "error" or {"severity": ...}; using the rule's default`, 'error');
          continue;
        }
        rules[id] = value;
      }
      target.rules = rules;
      continue;
    }
    const validate = byKey.get(key);
    if (!validate) {
      at(keyNode.offset, `unknown property "${key}"; ignored`, 'warning');
      continue;
    }
    const value = plain(getNodeValue(valueNode));
    if (!validate(value)) {
      const node = nodeForError(valueNode, validate.errors?.[0] ?? undefined);
      at(node.offset, `${describe(key, validate.errors)}; using the default for "${key}"`, 'error');
      continue;
    }
    target[key] = value;
  }
  return { config, errors };
}

/**
 * Loads the configuration. With `explicitPath` that file is read (a missing file is an error);
 * otherwise `<rootDir>/.aireg.json` is read when it exists, and defaults are used when not.
 */
export function loadConfig(rootDir: string, explicitPath?: string): LoadedConfig {
  const file = explicitPath ? path.resolve(explicitPath) : path.join(rootDir, CONFIG_FILE_NAME);
  let text: string;
  try {
    // A FIFO or a device given as --config would block or never end: only regular files are read.
    text = readTextFileSync(file, MAX_CONFIG_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!explicitPath && code === 'ENOENT') return { config: defaultConfig(), errors: [] };
    const reason =
      code === 'ENOENT' ? 'file not found'
      : code === 'EISDIR' || (err instanceof NotRegularFileError && err.what === 'a folder') ? 'is a directory'
      : err instanceof NotRegularFileError ? `is not a regular file (${err.what})`
      : err instanceof FileTooLargeError ? `the file is too large (${err.size} bytes, limit ${err.limit})`
      : (err as Error).message;
    return { config: defaultConfig(), errors: [{ file, line: 1, column: 1, message: `cannot read the configuration: ${reason}`, severity: 'error' }], path: file };
  }
  // A UTF-8 byte order mark is not JSON; editors on Windows add it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ...parseConfigText(text, file), path: file };
}

/**
 * Finds the folder whose `.aireg.json` applies to `start`: inside a repository, the nearest
 * ancestor (or `start` itself) holding one, not looking above the repository root (the first
 * folder with `.git`); outside a repository only `start` itself, so a file in some parent folder
 * (a shared temp or download folder) cannot silently change what a scan reports.
 */
export function findConfigDir(start: string): string | undefined {
  const first = path.resolve(start);
  let inRepository = false;
  for (let dir = first; ; ) {
    if (fs.existsSync(path.join(dir, '.git'))) {
      inRepository = true;
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (!inRepository) return fs.existsSync(path.join(first, CONFIG_FILE_NAME)) ? first : undefined;
  let dir = first;
  for (;;) {
    if (fs.existsSync(path.join(dir, CONFIG_FILE_NAME))) return dir;
    if (fs.existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Formats a config error the way compilers do: `file:line:col: severity: message`. */
export function formatConfigError(e: ConfigError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.severity}: ${e.message}`;
}
