/**
 * The checklist's data model: the shared state file `.aireg/checklist.json` and the view model the
 * checklist panel and the exporters render. Pure types and small helpers only, so the webview
 * bundle can import these types without pulling in Node code.
 */

/** The progress of one obligation as the team records it. */
export type ItemState = 'todo' | 'in-progress' | 'done' | 'not-applicable';

/** Every state, in the order the panel offers them. */
export const ITEM_STATES: readonly ItemState[] = ['todo', 'in-progress', 'done', 'not-applicable'];

/** The phase an obligation falls in; rows are grouped by it. */
export type Phase = 'before-launch' | 'operation' | 'periodic';

export const PHASES: readonly Phase[] = ['before-launch', 'operation', 'periodic'];

/** The display languages of obligation text. */
export type Lang = 'en' | 'zh';

/** One row of the state file. Rows are keyed by obligation id. */
export interface ChecklistItem {
  state: ItemState;
  /** Free text the team writes (evidence, ticket links, reasons for not-applicable). */
  note: string;
  /** Who made the last change (git user.name when known). */
  updatedBy: string;
  /** When the last change was made, as an ISO 8601 UTC timestamp. */
  updatedAt: string;
}

/** The whole state file. `items` keeps rows of obligations that no longer apply, so nothing is lost. */
export interface ChecklistFile {
  $schema?: string;
  version: 1;
  items: Record<string, ChecklistItem>;
}

/** The schema's limits on a note and a name (data/schemas/checklist.schema.json). */
export const NOTE_MAX = 20_000;
export const NAME_MAX = 200;

/**
 * Cuts text to at most `max` UTF-16 units, ending with "…" when cut and never splitting a
 * surrogate pair. Text over a limit is cut where it enters, so it can never make the whole file
 * invalid and block every later save.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

/** A row with its note and name within the schema's limits. */
export function clampItem(item: ChecklistItem): ChecklistItem {
  if (item.note.length <= NOTE_MAX && item.updatedBy.length <= NAME_MAX) return item;
  return { ...item, note: truncateText(item.note, NOTE_MAX), updatedBy: truncateText(item.updatedBy, NAME_MAX) };
}

/** The file version this code writes and reads. */
export const CHECKLIST_VERSION = 1 as const;

/** Where the state file lives, relative to the workspace root. */
export const CHECKLIST_RELATIVE_PATH = '.aireg/checklist.json';

/** An empty state file. */
export function emptyChecklist(): ChecklistFile {
  return { version: CHECKLIST_VERSION, items: {} };
}

/** The state an obligation has when nobody has touched it yet. */
export function defaultItem(): ChecklistItem {
  return { state: 'todo', note: '', updatedBy: '', updatedAt: '' };
}

/** One workspace finding linked from a checklist row, as the panel shows it. */
export interface EvidenceLink {
  /** Index into the finding list the extension holds; the webview sends only this back. */
  index: number;
  /** Workspace-relative path. */
  file: string;
  /** 1-based line, for display. */
  line: number;
  message: string;
  ruleId: string;
}

/** What the latest scan says about one obligation. */
export interface Evidence {
  /** One sentence per rule, e.g. "4 unlabeled outputs" or "no generation calls found". */
  lines: string[];
  /** The findings behind the sentences (capped; `more` counts the rest). */
  links: EvidenceLink[];
  more: number;
  /** True when no rule can detect this obligation in code. */
  notDetectable: boolean;
}

/** One checklist row as rendered: obligation text in the display language plus the saved state. */
export interface ChecklistRowView {
  id: string;
  title: string;
  instrument: string;
  articles: string;
  phase: Phase;
  item: ChecklistItem;
  evidence: Evidence;
}

/** A group of rows under one phase and one instrument. */
export interface ChecklistGroupView {
  phase: Phase;
  phaseLabel: string;
  instrument: string;
  rows: ChecklistRowView[];
}

/** Progress counts over the rows shown. */
export interface Progress {
  total: number;
  done: number;
  notApplicable: number;
  inProgress: number;
  todo: number;
}

/** Everything the checklist panel and the exporters need. */
export interface ChecklistView {
  lang: Lang;
  roles: string[];
  jurisdictions: string[];
  groups: ChecklistGroupView[];
  progress: Progress;
  /** Set when `.aireg/checklist.json` cannot be read; the panel shows it as a banner. */
  fileError?: string;
  /** True when the scan evidence is from a finished scan; false before any scan. */
  scanned: boolean;
  generatedAt: string;
}

/** Counts rows by state. Not-applicable rows count as settled for the percentage. */
export function computeProgress(rows: readonly { item: ChecklistItem }[]): Progress {
  const p: Progress = { total: rows.length, done: 0, notApplicable: 0, inProgress: 0, todo: 0 };
  for (const r of rows) {
    if (r.item.state === 'done') p.done++;
    else if (r.item.state === 'not-applicable') p.notApplicable++;
    else if (r.item.state === 'in-progress') p.inProgress++;
    else p.todo++;
  }
  return p;
}

/** Percentage of rows that are done or not applicable, rounded down. */
export function progressPercent(p: Progress): number {
  return p.total === 0 ? 0 : Math.floor(((p.done + p.notApplicable) * 100) / p.total);
}

/** Type guard for a state string. */
export function isItemState(v: unknown): v is ItemState {
  return typeof v === 'string' && (ITEM_STATES as readonly string[]).includes(v);
}
