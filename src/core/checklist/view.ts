/**
 * Builds the checklist view model from obligations (already in the display language), the saved
 * state and the latest scan. Pure, so the panel, the exporters and the tests share one result.
 */
import {
  type ChecklistFile,
  type ChecklistGroupView,
  type ChecklistRowView,
  type ChecklistView,
  type Evidence,
  type EvidenceLink,
  type Lang,
  PHASES,
  type Phase,
  clampItem,
  computeProgress,
  defaultItem,
} from './model';
import { PHASE_LABELS, UI_TEXT, countPhrase } from './text';

/** An obligation as the checklist needs it, text already resolved to the display language. */
export interface ChecklistObligation {
  id: string;
  title: string;
  /** Short name of the (first) instrument; rows are grouped by it. */
  instrument: string;
  /** Article references, e.g. "Art. 17" or "第十七条", joined for display. */
  articles: string;
  phase: Phase;
  /** Rule ids that give evidence for this obligation (empty: not detectable in code). */
  rules: string[];
}

/** The parts of a finding the evidence needs; the LSP finding summaries fit this shape. */
export interface EvidenceFinding {
  ruleId: string;
  file: string;
  range: { start: { line: number; character: number } };
  message: string;
  obligations: string[];
  suppressed?: boolean;
}

/** How many finding links one row shows before "and N more". */
export const MAX_LINKS_PER_ROW = 20;

/** Summarises the findings of an obligation's rules. `findings` undefined means no scan yet. */
export function evidenceFor(ob: ChecklistObligation, findings: readonly EvidenceFinding[] | undefined, lang: Lang): Evidence {
  if (ob.rules.length === 0) return { lines: [UI_TEXT.notDetectable[lang]], links: [], more: 0, notDetectable: true };
  if (!findings) return { lines: [UI_TEXT.noScan[lang]], links: [], more: 0, notDetectable: false };
  const lines: string[] = [];
  const links: EvidenceLink[] = [];
  let total = 0;
  for (const rule of ob.rules) {
    let active = 0;
    let suppressed = 0;
    findings.forEach((f, index) => {
      if (f.ruleId !== rule || !f.obligations.includes(ob.id)) return;
      if (f.suppressed) {
        suppressed++;
        return;
      }
      active++;
      total++;
      if (links.length < MAX_LINKS_PER_ROW) links.push({ index, file: f.file, line: f.range.start.line + 1, message: f.message, ruleId: f.ruleId });
    });
    let line = countPhrase(rule, active, lang);
    if (suppressed) line += ` (${UI_TEXT.suppressed[lang].replace('{n}', String(suppressed))})`;
    lines.push(line);
  }
  return { lines, links, more: total - links.length, notDetectable: false };
}

/** Builds the whole checklist view: rows grouped by phase, then instrument, in a stable order. */
export function buildChecklistView(input: {
  obligations: readonly ChecklistObligation[];
  state: ChecklistFile;
  findings: readonly EvidenceFinding[] | undefined;
  lang: Lang;
  roles: string[];
  jurisdictions: string[];
  fileError?: string;
  now?: Date;
}): ChecklistView {
  const groups: ChecklistGroupView[] = [];
  const rows: ChecklistRowView[] = [];
  for (const phase of PHASES) {
    const byInstrument = new Map<string, ChecklistRowView[]>();
    for (const ob of input.obligations) {
      if (ob.phase !== phase) continue;
      const row: ChecklistRowView = {
        id: ob.id,
        title: ob.title,
        instrument: ob.instrument,
        articles: ob.articles,
        phase,
        item: { ...(input.state.items[ob.id] ?? defaultItem()) },
        evidence: evidenceFor(ob, input.findings, input.lang),
      };
      const list = byInstrument.get(ob.instrument) ?? [];
      list.push(row);
      byInstrument.set(ob.instrument, list);
      rows.push(row);
    }
    for (const [instrument, list] of byInstrument) groups.push({ phase, phaseLabel: PHASE_LABELS[phase][input.lang], instrument, rows: list });
  }
  const view: ChecklistView = {
    lang: input.lang,
    roles: [...input.roles],
    jurisdictions: [...input.jurisdictions],
    groups,
    progress: computeProgress(rows),
    scanned: input.findings !== undefined,
    generatedAt: (input.now ?? new Date()).toISOString(),
  };
  if (input.fileError) view.fileError = input.fileError;
  return view;
}

/** Applies one state or note change, stamping who and when. Returns a new file. */
export function applyChange(
  file: ChecklistFile,
  change: { id: string; state?: ChecklistFile['items'][string]['state']; note?: string },
  who: string,
  now: Date = new Date(),
): ChecklistFile {
  const prev = file.items[change.id] ?? defaultItem();
  const next = { ...prev, updatedBy: who, updatedAt: now.toISOString() };
  if (change.state !== undefined) next.state = change.state;
  if (change.note !== undefined) next.note = change.note;
  return { ...file, items: { ...file.items, [change.id]: clampItem(next) } };
}
