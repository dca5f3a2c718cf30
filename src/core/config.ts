/**
 * The repository configuration `.aireg.json` as the engine sees it after loading. The loader
 * (JSONC parsing, schema validation, clear errors) lives in `configLoader.ts`; this file holds
 * only the shape and the defaults so every layer can depend on it cheaply.
 */
import type { Role } from './kb/types';
import type { Modality, RuleId, Severity } from './types';

/**
 * Who the team is under the rules (roles decide which obligations and labels apply). One list for
 * the knowledge base and the configuration, so every role an obligation binds can be declared.
 */
export type { Role };

export type Jurisdiction = 'CN' | 'EU';

export interface RuleSetting {
  severity?: Severity;
  /** `aigc-missing-label`: report generated content printed to a terminal (default true). */
  terminalExits?: boolean;
  /** `aigc-missing-label`: the team's own exits, in the shape of `data/sinks.json` call rows. */
  exits?: ExitRow[];
}

/** A place where generated content leaves the program, as `.aireg.json` declares it. */
export interface ExitRow {
  kind: 'http' | 'network' | 'stream' | 'file' | 'ui' | 'storage' | 'terminal';
  /** A regular expression over the callee (`myapp.send`, `^publish$`). */
  callee: string;
  families?: ('js' | 'python' | 'go' | 'java')[];
  /** Which part of the call must carry the content (default: the arguments). */
  taint?: 'args' | 'receiver';
  label?: string;
}

/** A generation function declared in `.aireg.json`, with what it generates. */
export interface GenerationFunction {
  name: string;
  modality?: Modality;
  provider?: string;
}

export interface AiregConfig {
  roles: Role[];
  jurisdictions: Jurisdiction[];
  /** Per-rule overrides: a severity, or an object for rules that take options. */
  rules: Partial<Record<RuleId, Severity | RuleSetting>>;
  /** Names of the team's own functions that apply a content label (e.g. `addAigcLabel`, `labels.apply`). */
  labelFunctions: string[];
  /** Names of functions or flags that check a user's opt-out from personalised recommendation. */
  optOutChecks: string[];
  /** Names of functions that check a depicted person's consent to face/voice editing. */
  consentChecks: string[];
  /** The team's own generation functions and wrappers (`llm.complete`), reported as generation calls. */
  generationFunctions: (string | GenerationFunction)[];
  /** Raise warnings in test code too (by default findings there are information only). */
  includeTests: boolean;
  /** Globs (relative to the workspace root) to include / exclude in addition to ignore files. */
  include: string[];
  exclude: string[];
  /** Files larger than this many bytes are skipped with a notice. */
  maxFileBytes: number;
}

export const DEFAULT_CONFIG: Readonly<AiregConfig> = Object.freeze<AiregConfig>({
  roles: ['service-provider'],
  jurisdictions: ['CN', 'EU'],
  rules: {},
  labelFunctions: [],
  optOutChecks: [],
  consentChecks: [],
  generationFunctions: [],
  includeTests: false,
  include: [],
  exclude: [],
  maxFileBytes: 2 * 1024 * 1024,
});

export function defaultConfig(): AiregConfig {
  return structuredClone(DEFAULT_CONFIG) as AiregConfig;
}
