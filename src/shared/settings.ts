/**
 * The user settings aireg contributes (`aireg.*`), their defaults and scopes, and the one place
 * that turns whatever the editor hands over into a valid {@link AiregSettings}. The server reads
 * settings through `workspace/configuration` and normalizes them here, so a hand-edited
 * settings.json with a wrong type costs only that key. A unit test keeps this file and the
 * `contributes.configuration` block of package.json in step.
 */

/** Severity a user may give a rule; `off` switches it off. */
export type SettingSeverity = 'off' | 'info' | 'warning' | 'error';

/** When diagnostics are computed for open files. */
export type RunMode = 'onType' | 'onSave';

/** How the Findings view groups its tree. */
export type GroupBy = 'obligation' | 'rule' | 'file';

export interface AiregSettings {
  /** Switches analysis off for the resource without uninstalling. */
  enable: boolean;
  /** Analyse as the user types (debounced) or only when a file is saved. */
  run: RunMode;
  /** Per-rule severity overrides; they win over `.aireg.json` and the rule default. */
  rules: Record<string, SettingSeverity>;
  /** Roles that override `.aireg.json` `roles` when not empty. */
  roles: string[];
  /** Jurisdictions that override `.aireg.json` `jurisdictions` when not empty. */
  jurisdictions: string[];
  /** Files larger than this many characters are skipped; 0 keeps `.aireg.json` `maxFileBytes`. */
  maxFileSize: number;
  /** Grouping of the Findings view. */
  groupBy: GroupBy;
  /**
   * Shows `aigc-generation-call` findings of severity info as hints (no squiggle): they are an
   * inventory, not a problem. They stay in the Findings view, the CLI and SARIF either way.
   */
  generationCallsAsHints: boolean;
  /** Workspaces with at most this many analysable files are scanned on activation; 0 never. */
  autoScanMaxFiles: number;
}

export const DEFAULT_SETTINGS: Readonly<AiregSettings> = Object.freeze({
  enable: true,
  run: 'onType',
  rules: {},
  roles: [],
  jurisdictions: [],
  maxFileSize: 0,
  groupBy: 'file',
  generationCallsAsHints: true,
  autoScanMaxFiles: 300,
});

/** The scope VS Code gives a setting (see `contributes.configuration`). */
export type SettingScope = 'application' | 'machine' | 'window' | 'resource' | 'language-overridable' | 'machine-overridable';

/** One contributed setting: its full key, scope and default (the manifest test compares them). */
export interface SettingDescriptor {
  key: string;
  scope: SettingScope;
  default: unknown;
}

/**
 * Every `aireg.*` setting in package.json. `aireg.trace.server` is read by vscode-languageclient
 * itself, so it has no field in {@link AiregSettings}.
 */
export const SETTINGS: readonly SettingDescriptor[] = [
  { key: 'aireg.enable', scope: 'resource', default: DEFAULT_SETTINGS.enable },
  { key: 'aireg.run', scope: 'resource', default: DEFAULT_SETTINGS.run },
  { key: 'aireg.rules', scope: 'resource', default: DEFAULT_SETTINGS.rules },
  { key: 'aireg.roles', scope: 'resource', default: DEFAULT_SETTINGS.roles },
  { key: 'aireg.jurisdictions', scope: 'resource', default: DEFAULT_SETTINGS.jurisdictions },
  { key: 'aireg.maxFileSize', scope: 'resource', default: DEFAULT_SETTINGS.maxFileSize },
  { key: 'aireg.findings.groupBy', scope: 'window', default: DEFAULT_SETTINGS.groupBy },
  { key: 'aireg.generationCallsAsHints', scope: 'resource', default: DEFAULT_SETTINGS.generationCallsAsHints },
  { key: 'aireg.autoScanMaxFiles', scope: 'window', default: DEFAULT_SETTINGS.autoScanMaxFiles },
  { key: 'aireg.trace.server', scope: 'window', default: 'off' },
];

const SEVERITIES: readonly string[] = ['off', 'info', 'warning', 'error'];
const ROLES: readonly string[] = ['service-provider', 'technical-supporter', 'user', 'app-distribution-platform', 'content-platform', 'research-institution', 'deployer', 'very-large-platform'];
const JURISDICTIONS: readonly string[] = ['CN', 'EU'];

/** The roles and jurisdictions a setting may name (the same as `.aireg.json`). */
export const SETTING_ENUMS = { severities: SEVERITIES, roles: ROLES, jurisdictions: JURISDICTIONS } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Turns the raw `aireg` section into valid settings. Each key of the wrong type or with an
 * unknown value falls back to its default; unknown array members are dropped; `aireg.rules`
 * accepts a severity string or `{ "severity": ... }` per rule, like `.aireg.json`.
 */
export function normalizeSettings(raw: unknown): AiregSettings {
  const s: AiregSettings = { ...DEFAULT_SETTINGS, rules: {}, roles: [], jurisdictions: [] };
  if (!isRecord(raw)) return s;
  if (typeof raw.enable === 'boolean') s.enable = raw.enable;
  if (raw.run === 'onType' || raw.run === 'onSave') s.run = raw.run;
  if (isRecord(raw.rules)) {
    for (const [id, v] of Object.entries(raw.rules)) {
      const sev = isRecord(v) ? v.severity : v;
      if (typeof sev === 'string' && SEVERITIES.includes(sev)) s.rules[id] = sev as SettingSeverity;
    }
  }
  if (Array.isArray(raw.roles)) s.roles = [...new Set(raw.roles.filter((r): r is string => typeof r === 'string' && ROLES.includes(r)))];
  if (Array.isArray(raw.jurisdictions)) s.jurisdictions = [...new Set(raw.jurisdictions.filter((j): j is string => typeof j === 'string' && JURISDICTIONS.includes(j)))];
  if (typeof raw.maxFileSize === 'number' && Number.isFinite(raw.maxFileSize) && raw.maxFileSize >= 0) s.maxFileSize = Math.floor(raw.maxFileSize);
  if (typeof raw.generationCallsAsHints === 'boolean') s.generationCallsAsHints = raw.generationCallsAsHints;
  if (typeof raw.autoScanMaxFiles === 'number' && Number.isFinite(raw.autoScanMaxFiles) && raw.autoScanMaxFiles >= 0) s.autoScanMaxFiles = Math.floor(raw.autoScanMaxFiles);
  const findings = raw.findings;
  if (isRecord(findings) && (findings.groupBy === 'obligation' || findings.groupBy === 'rule' || findings.groupBy === 'file')) s.groupBy = findings.groupBy;
  return s;
}
