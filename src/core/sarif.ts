/**
 * Pure conversion of a scan (findings, notices, config problems) to a SARIF 2.1.0 log, shared
 * by the CLI and the language server. Regions are 1-based with UTF-16 columns, declared once at
 * run level; artifact URIs are relative to the `SRCROOT` base so logs are portable between
 * machines; suppressed findings stay in the log with a `suppressions` entry, as code-scanning
 * services expect.
 */
import { pathToFileURL } from 'node:url';
import type { ConfigError } from './configLoader';
import type { Notice } from './engine';
import { sarifRegion } from './position';
import { RULES, ruleHelpUri } from './ruleMeta';
import type { Finding, Range } from './types';

/** The official schema URI of the version we write. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
/** The partial fingerprint key; bump the version if the fingerprint scheme changes. */
export const FINGERPRINT_KEY = 'aireg/v1';
export const INFORMATION_URI = 'https://github.com/aireg/aireg';

// A minimal structural model of the parts of SARIF we write (the full schema is large).
export interface SarifMessage { text: string }
export interface SarifRegion { startLine: number; startColumn: number; endLine: number; endColumn: number }
export interface SarifPhysicalLocation { artifactLocation: { uri: string; uriBaseId?: string }; region?: SarifRegion }
export interface SarifLocation { id?: number; physicalLocation: SarifPhysicalLocation; message?: SarifMessage }
export interface SarifSuppression { kind: 'inSource' | 'external'; status: 'accepted'; justification: string; location?: SarifLocation }
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  /** The path from the generation call to the exit, for findings that follow generated content. */
  codeFlows?: { threadFlows: { locations: { location: SarifLocation }[] }[] }[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
  suppressions?: SarifSuppression[];
}
export interface SarifNotification { level: 'error' | 'warning' | 'note'; message: SarifMessage; locations?: SarifLocation[]; descriptor?: { id: string } }
export interface SarifRun {
  tool: { driver: Record<string, unknown> };
  invocations: Record<string, unknown>[];
  originalUriBaseIds?: Record<string, { uri: string; description?: SarifMessage }>;
  columnKind: 'utf16CodeUnits';
  results: SarifResult[];
  properties?: Record<string, unknown>;
}
export interface SarifLog { $schema: string; version: '2.1.0'; runs: SarifRun[] }

export interface SarifOptions {
  toolVersion: string;
  /** Absolute folder that relative finding paths are relative to (becomes `SRCROOT`). */
  rootDir?: string;
  notices?: readonly Notice[];
  configErrors?: readonly ConfigError[];
  /** False when the scan itself failed (usage or configuration error). */
  executionSuccessful?: boolean;
  /** Extra run properties, e.g. the summary counts. */
  properties?: Record<string, unknown>;
}

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

const isAbsolutePath = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

/** A SARIF artifact location for a finding path: relative URIs are percent-encoded per segment. */
export function artifactLocation(file: string, hasRoot: boolean): { uri: string; uriBaseId?: string } {
  if (isAbsolutePath(file)) return { uri: pathToFileURL(file).href };
  const uri = file.split('/').map(encodeURIComponent).join('/');
  return hasRoot ? { uri, uriBaseId: 'SRCROOT' } : { uri };
}

function location(file: string, range: Range, hasRoot: boolean, message?: string, id?: number): SarifLocation {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: { artifactLocation: artifactLocation(file, hasRoot), region: sarifRegion(range) },
    ...(message ? { message: { text: message } } : {}),
  };
}

/** The `tool.driver.rules` array: every rule aireg knows, in data/rules.json order. */
export function sarifRules(): Record<string, unknown>[] {
  return RULES.map((r) => ({
    id: r.id,
    name: r.name.en,
    shortDescription: { text: r.name.en },
    fullDescription: { text: r.description.en },
    helpUri: ruleHelpUri(r.id),
    help: { text: `${r.description.en}\n\n${r.description.zh}` },
    defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
    properties: { obligations: [...r.obligations], tags: ['aireg', 'compliance'], nameZh: r.name.zh },
  }));
}

/** Converts one finding to a SARIF result. */
export function sarifResult(f: Finding, hasRoot: boolean): SarifResult {
  const ruleIndex = RULES.findIndex((r) => r.id === f.ruleId);
  const properties: Record<string, unknown> = { confidence: f.confidence, obligations: [...f.obligations] };
  if (f.generation) {
    properties.provider = f.generation.provider;
    properties.modality = f.generation.modality;
    properties.api = f.generation.api;
  }
  const result: SarifResult = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f.file, f.range, hasRoot)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties,
  };
  if (f.related?.length) {
    result.relatedLocations = f.related.map((r, i) => location(r.file, r.range, hasRoot, r.message, i + 1));
    // A missing-label finding's related locations are its path: the generation call, then each
    // hop (returned by, passed to), then the exit itself.
    if (f.ruleId === 'aigc-missing-label') {
      const steps = [...f.related.map((r) => location(r.file, r.range, hasRoot, r.message)), location(f.file, f.range, hasRoot, 'leaves here')];
      result.codeFlows = [{ threadFlows: [{ locations: steps.map((l) => ({ location: l })) }] }];
    }
  }
  if (f.suppression) {
    result.suppressions = [
      f.suppression.kind === 'inSource'
        ? { kind: 'inSource', status: 'accepted', justification: f.suppression.reason, location: location(f.file, f.suppression.range, hasRoot) }
        : { kind: 'external', status: 'accepted', justification: f.suppression.reason },
    ];
  }
  return result;
}

/** Builds the SARIF log of one scan. Results keep the order of `findings`. */
export function toSarif(findings: readonly Finding[], options: SarifOptions): SarifLog {
  const hasRoot = !!options.rootDir;
  const notifications: SarifNotification[] = (options.notices ?? []).map((n) => ({
    level: n.kind === 'read-error' || n.kind === 'grammar-failed' ? 'warning' : 'note',
    message: { text: n.message },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(n.file, hasRoot) } }],
    descriptor: { id: n.kind },
  }));
  const configNotifications: SarifNotification[] = (options.configErrors ?? []).map((e) => ({
    level: e.severity,
    message: { text: e.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: pathToFileURL(e.file).href },
        region: { startLine: e.line, startColumn: e.column, endLine: e.line, endColumn: e.column },
      },
    }],
  }));
  const run: SarifRun = {
    tool: {
      driver: {
        name: 'aireg',
        version: options.toolVersion,
        semanticVersion: options.toolVersion,
        informationUri: INFORMATION_URI,
        rules: sarifRules(),
      },
    },
    invocations: [{
      executionSuccessful: options.executionSuccessful ?? true,
      ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
      ...(configNotifications.length ? { toolConfigurationNotifications: configNotifications } : {}),
    }],
    ...(options.rootDir ? { originalUriBaseIds: { SRCROOT: { uri: rootUri(options.rootDir) } } } : {}),
    columnKind: 'utf16CodeUnits',
    results: findings.map((f) => sarifResult(f, hasRoot)),
    ...(options.properties ? { properties: options.properties } : {}),
  };
  return { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs: [run] };
}

/** A folder's file URI with the trailing slash SARIF requires for base URIs. */
function rootUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}
