/**
 * Loading of the review rules' data catalogs (data/{sinks,labels,recommenders,biometric}.json).
 * Patterns are stored as strings so the JSON stays readable; they are compiled once here. A
 * leading `(?i)` marks a case-insensitive pattern, because JSON cannot carry regex flags.
 */
import labelsData from '../../../../data/labels.json';
import sinksData from '../../../../data/sinks.json';

/** Compiles a catalog pattern, honouring a leading `(?i)` for case-insensitive matching. */
export function compilePattern(source: string): RegExp {
  if (source.startsWith('(?i)')) return new RegExp(source.slice(4), 'i');
  return new RegExp(source);
}

/** Gradio's event wirings (data/sinks.json `uiRegistrations`): calls that run the function they are given. */
export const UI_REGISTRATION = compilePattern(sinksData.uiRegistrations.python);

/**
 * Per family, constructors of in-memory buffers (data/sinks.json `memoryBuffers`): media written
 * into one stays in the program until the buffer itself is sent or returned.
 */
export const MEMORY_BUFFERS: Readonly<Record<string, RegExp>> = Object.fromEntries(Object.entries(sinksData.memoryBuffers as Record<string, string>).map(([k, v]) => [k, compilePattern(v)]));

export interface LabelCall {
  callee: RegExp;
  receiver?: RegExp;
  argText?: RegExp;
  label: string;
  /** Writes the label onto the file or response itself, so it need not take the generated value. */
  container: boolean;
}

export interface LabelKey {
  key: RegExp;
  valueText?: RegExp;
  label: string;
}

export interface LabelCatalog {
  fields: string[];
  required: string[];
  requiredForRoles: Record<string, string[]>;
  labelValues: string[];
  explicitText: RegExp[];
  explicitCalls: LabelCall[];
  implicitCalls: LabelCall[];
  implicitKeys: LabelKey[];
  explicitKeys: LabelKey[];
  /** Identifiers that name a label text (`EXPLICIT_LABEL`), e.g. imported from a labels module. */
  explicitNames: RegExp;
}

interface RawCall {
  callee: string;
  receiver?: string;
  argText?: string;
  label: string;
  container?: boolean;
}

function compileCall(c: RawCall): LabelCall {
  return {
    callee: compilePattern(c.callee),
    ...(c.receiver ? { receiver: compilePattern(c.receiver) } : {}),
    ...(c.argText ? { argText: compilePattern(c.argText) } : {}),
    label: c.label,
    container: !!c.container,
  };
}

interface RawKey {
  key: string;
  valueText?: string;
  label: string;
}

function compileKey(k: RawKey): LabelKey {
  return { key: compilePattern(k.key), ...(k.valueText ? { valueText: compilePattern(k.valueText) } : {}), label: k.label };
}

let labels: LabelCatalog | undefined;

export function labelCatalog(): LabelCatalog {
  if (!labels) {
    const g = labelsData.gb45438;
    labels = {
      fields: g.fields,
      required: g.required,
      requiredForRoles: g.requiredForRoles as Record<string, string[]>,
      labelValues: g.labelValues,
      explicitText: labelsData.explicitText.map((s) => compilePattern(s)),
      explicitCalls: (labelsData.explicitCalls as RawCall[]).map(compileCall),
      implicitCalls: (labelsData.implicitCalls as RawCall[]).map(compileCall),
      implicitKeys: (labelsData.implicitKeys as RawKey[]).map(compileKey),
      explicitKeys: (labelsData.explicitKeys as RawKey[]).map(compileKey),
      explicitNames: compilePattern(labelsData.explicitNames),
    };
  }
  return labels;
}

/** Damerau-free Levenshtein distance, small strings only (field names). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n]!;
}
