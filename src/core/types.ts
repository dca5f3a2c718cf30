/**
 * The engine's public model. Everything the CLI, the language server and the tests exchange
 * about a scan is expressed in these types, so they stay free of editor and protocol types.
 */

/** Severities in increasing order of weight; `off` disables a rule. */
export type Severity = 'off' | 'info' | 'warning' | 'error';

export const SEVERITY_ORDER: readonly Severity[] = ['off', 'info', 'warning', 'error'];

/** A position as the editor counts it: 0-based line, 0-based UTF-16 code unit within the line. */
export interface Position {
  line: number;
  character: number;
}

/** A half-open range of positions plus the matching UTF-16 offsets into the file text. */
export interface Range {
  start: Position;
  end: Position;
  startOffset: number;
  endOffset: number;
}

/** The content kinds the labeling rules distinguish (GB 45438 label per content type). */
export type Modality = 'text' | 'image' | 'audio' | 'video' | 'face' | 'voice' | '3d' | 'multimodal';

/** How sure a rule is that a finding is real. Heuristic findings default to lower severity. */
export type Confidence = 'high' | 'medium' | 'low';

export type RuleId =
  | 'aigc-generation-call'
  | 'aigc-missing-label'
  | 'aigc-invalid-label-metadata'
  | 'aigc-label-stripped'
  | 'rec-no-opt-out'
  | 'biometric-no-consent'
  | 'aireg-suppression-without-reason';

/** A second place that explains a finding, e.g. the generation call behind an unlabeled output. */
export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

/** Details a generation call finding carries (also reused by rules that start from a call). */
export interface GenerationInfo {
  provider: string;
  modality: Modality;
  api: string;
}

export interface Suppression {
  /** The reason the developer wrote after `--`. */
  reason: string;
  /** Where the suppression comment is. */
  range: Range;
  kind: 'inSource' | 'baseline';
}

/** One finding of one rule in one file. */
export interface Finding {
  ruleId: RuleId;
  /** Workspace-relative path with forward slashes (or absolute when no root is known). */
  file: string;
  range: Range;
  message: string;
  severity: Exclude<Severity, 'off'>;
  confidence: Confidence;
  /** Obligation ids (from data/obligations) this finding is evidence for. */
  obligations: string[];
  generation?: GenerationInfo;
  related?: RelatedLocation[];
  /** Stable hash used for SARIF partialFingerprints and baselines. */
  fingerprint: string;
  suppression?: Suppression;
  /** Free-form facts for code actions (e.g. which label is missing). */
  data?: Record<string, string | number | boolean>;
}
