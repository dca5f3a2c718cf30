/**
 * The messages between the extension and its two webviews (obligation card, checklist), both
 * ways, with validators. Each side validates what arrives before acting on it: the webview is
 * treated as untrusted (it renders workspace text), and the extension's messages are checked so
 * a bug can never make the webview render something other than text.
 *
 * The webview only ever sends ids and indices; the extension resolves them against its own data.
 */
import type { ChecklistGroupView, ChecklistItem, ChecklistRowView, ChecklistView, Evidence, ItemState, Lang, Phase, Progress } from '../core/checklist/model';

export type { ChecklistGroupView, ChecklistItem, ChecklistRowView, ChecklistView, Evidence, ItemState, Lang, Phase, Progress };

/** A finding as the panels need it; the LSP finding summaries of the server fit this shape. */
export interface PanelFinding {
  /** Document URI (file:// for workspace files) when the server knows it; preferred for revealing. */
  uri?: string;
  ruleId: string;
  /** Workspace-relative path (forward slashes), or an absolute path/URI outside a workspace. */
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  severity: string;
  obligations: string[];
  suppressed?: boolean;
}

/** One finding shown on a card. `index` is the position in the list the extension holds. */
export interface CardFinding {
  index: number;
  file: string;
  /** 1-based, for display. */
  line: number;
  message: string;
  severity: string;
  ruleId: string;
}

/** One article reference of a card. */
export interface CardArticle {
  label: string;
  verification: string;
  verificationLabel: string;
  /** Whether the provision requires, prohibits, encourages or permits, in the card's language. */
  forceLabel?: string;
  /** The wording the mapping rests on and where it was read, shown as text only. */
  quote?: string;
  quoteSource?: string;
  note?: string;
}

/** One source of a card. `index` goes back in `openSource`; the URL itself is shown as text only. */
export interface CardSource {
  index: number;
  title: string;
  kind: string;
  url: string;
}

/** Everything the obligation card renders, already in the display language. */
export interface CardView {
  lang: Lang;
  id: string;
  title: string;
  jurisdiction: string;
  binding: string;
  instruments: string[];
  articles: CardArticle[];
  roles: string[];
  phase: string;
  summary: string;
  codeImplications: string;
  orgImplications: string;
  howToComply: string;
  examples: { language: string; title: string; code: string }[];
  sources: CardSource[];
  lastChecked: string;
  relatedRules: { id: string; name: string }[];
  /** Obligations linked from this card (e.g. ones sharing a rule), by id and title. */
  related: { id: string; title: string }[];
  findings: CardFinding[];
  /**
   * How far to trust the card: the kind of source behind it (official text or a secondary
   * reading) and, separately, how the article mapping was checked.
   */
  confidence?: string;
  /** "What it means in code", made concrete: what aireg's rules check, and what a reviewer must. */
  checks?: { aireg: string[]; reviewer: string[] };
  /** `unavailable` when the language server is not running or no scan result exists yet. */
  findingsState: 'ready' | 'unavailable';
  disclaimer: string;
  notes: string[];
  /** Section headings and button texts in the display language. */
  labels: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Extension → webview

/** Sent by the extension after `ready` and whenever the card's data or language changes. */
export interface CardDataMessage {
  type: 'card';
  card: CardView;
}

/** Sent by the extension after `ready` and after every change to state, scan or file. */
export interface ChecklistDataMessage {
  type: 'checklist';
  view: ChecklistView;
  labels: Record<string, string>;
}

/** Sent by the extension when something the webview asked for failed; shown as a banner. */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type ToCardMessage = CardDataMessage | ErrorMessage;
export type ToChecklistMessage = ChecklistDataMessage | ErrorMessage;

// ---------------------------------------------------------------------------------------------
// Webview → extension

/** Sent by every webview once its script runs; the extension sends data only after it. */
export interface ReadyMessage {
  type: 'ready';
}
/** Open the card of an obligation. */
export interface OpenObligationMessage {
  type: 'openObligation';
  id: string;
}
/** Open the official text of an obligation's (first) article in the browser. */
export interface OpenArticleMessage {
  type: 'openArticle';
  id: string;
}
/** Open source number `index` of obligation `id` in the browser. */
export interface OpenSourceMessage {
  type: 'openSource';
  id: string;
  index: number;
}
/** Reveal finding number `index` of the list the extension last sent. */
export interface RevealFindingMessage {
  type: 'revealFinding';
  index: number;
}
/** Switch the panel's display language. */
export interface SetLanguageMessage {
  type: 'setLanguage';
  lang: Lang;
}
/** Change a checklist row's state. */
export interface SetStateMessage {
  type: 'setState';
  id: string;
  state: ItemState;
}
/** Change a checklist row's note. */
export interface SetNoteMessage {
  type: 'setNote';
  id: string;
  note: string;
}
/** Checklist toolbar actions: export, write a repaired copy of a broken file, re-pick roles, rescan. */
export interface ChecklistActionMessage {
  type: 'export' | 'repair' | 'configure' | 'rescan';
}

export type FromCardMessage = ReadyMessage | OpenObligationMessage | OpenArticleMessage | OpenSourceMessage | RevealFindingMessage | SetLanguageMessage;
export type FromChecklistMessage =
  | ReadyMessage
  | OpenObligationMessage
  | RevealFindingMessage
  | SetLanguageMessage
  | SetStateMessage
  | SetNoteMessage
  | ChecklistActionMessage;

// ---------------------------------------------------------------------------------------------
// Validators

/** Limits that keep a hostile or buggy peer from sending absurd values. */
export const LIMITS = { idLength: 100, noteLength: 20000, maxIndex: 1_000_000, textLength: 200_000, listLength: 10_000 } as const;

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
const ITEM_STATES: readonly string[] = ['todo', 'in-progress', 'done', 'not-applicable'];
const PHASES: readonly string[] = ['before-launch', 'operation', 'periodic'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function hasOnly(o: Obj, keys: readonly string[]): boolean {
  return Object.keys(o).every((k) => keys.includes(k));
}
function isStr(v: unknown, max: number = LIMITS.textLength): v is string {
  return typeof v === 'string' && v.length <= max;
}
/** An obligation id: lower-case letters, digits and dashes. */
export function isObligationId(v: unknown): v is string {
  return typeof v === 'string' && v.length <= LIMITS.idLength && ID_RE.test(v);
}
function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < LIMITS.maxIndex;
}
/** A line number or a count: any non-negative integer a real file or scan can reach. */
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff;
}
function isLang(v: unknown): v is Lang {
  return v === 'en' || v === 'zh';
}
function isList<T>(v: unknown, item: (x: unknown) => x is T): v is T[] {
  return Array.isArray(v) && v.length <= LIMITS.listLength && v.every(item);
}
function isStrList(v: unknown): v is string[] {
  return isList(v, (x): x is string => isStr(x));
}
function isStrRecord(v: unknown): v is Record<string, string> {
  return isObj(v) && Object.values(v).every((x) => isStr(x));
}

/** Validates a message from the card webview; returns undefined for anything malformed. */
export function parseFromCard(v: unknown): FromCardMessage | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
      return hasOnly(v, ['type']) ? { type: 'ready' } : undefined;
    case 'openObligation':
    case 'openArticle':
      return hasOnly(v, ['type', 'id']) && isObligationId(v.id) ? { type: v.type, id: v.id } : undefined;
    case 'openSource':
      return hasOnly(v, ['type', 'id', 'index']) && isObligationId(v.id) && isIndex(v.index) ? { type: 'openSource', id: v.id, index: v.index } : undefined;
    case 'revealFinding':
      return hasOnly(v, ['type', 'index']) && isIndex(v.index) ? { type: 'revealFinding', index: v.index } : undefined;
    case 'setLanguage':
      return hasOnly(v, ['type', 'lang']) && isLang(v.lang) ? { type: 'setLanguage', lang: v.lang } : undefined;
    default:
      return undefined;
  }
}

/** Validates a message from the checklist webview; returns undefined for anything malformed. */
export function parseFromChecklist(v: unknown): FromChecklistMessage | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'export':
    case 'repair':
    case 'configure':
    case 'rescan':
      return hasOnly(v, ['type']) ? { type: v.type } : undefined;
    case 'openObligation':
      return hasOnly(v, ['type', 'id']) && isObligationId(v.id) ? { type: 'openObligation', id: v.id } : undefined;
    case 'revealFinding':
      return hasOnly(v, ['type', 'index']) && isIndex(v.index) ? { type: 'revealFinding', index: v.index } : undefined;
    case 'setLanguage':
      return hasOnly(v, ['type', 'lang']) && isLang(v.lang) ? { type: 'setLanguage', lang: v.lang } : undefined;
    case 'setState':
      return hasOnly(v, ['type', 'id', 'state']) && isObligationId(v.id) && typeof v.state === 'string' && ITEM_STATES.includes(v.state)
        ? { type: 'setState', id: v.id, state: v.state as ItemState }
        : undefined;
    case 'setNote':
      return hasOnly(v, ['type', 'id', 'note']) && isObligationId(v.id) && isStr(v.note, LIMITS.noteLength) ? { type: 'setNote', id: v.id, note: v.note } : undefined;
    default:
      return undefined;
  }
}

function isCardFinding(v: unknown): v is CardFinding {
  return isObj(v) && isIndex(v.index) && isStr(v.file) && isCount(v.line) && isStr(v.message) && isStr(v.severity) && isStr(v.ruleId);
}
function isCardArticle(v: unknown): v is CardArticle {
  const optStr = (x: unknown): boolean => x === undefined || isStr(x);
  return isObj(v) && isStr(v.label) && isStr(v.verification) && isStr(v.verificationLabel) && optStr(v.note) && optStr(v.forceLabel) && optStr(v.quote) && optStr(v.quoteSource);
}
function isCardSource(v: unknown): v is CardSource {
  return isObj(v) && isIndex(v.index) && isStr(v.title) && isStr(v.kind) && isStr(v.url);
}
function isExample(v: unknown): v is CardView['examples'][number] {
  return isObj(v) && isStr(v.language) && isStr(v.title) && isStr(v.code);
}
function isIdTitle(key: 'name' | 'title') {
  return (v: unknown): v is { id: string } & Record<typeof key, string> => isObj(v) && isStr(v.id) && isStr(v[key]);
}

/** Validates the card data before the webview renders it. */
export function isCardView(v: unknown): v is CardView {
  if (!isObj(v)) return false;
  const strings = ['id', 'title', 'jurisdiction', 'binding', 'phase', 'summary', 'codeImplications', 'orgImplications', 'howToComply', 'lastChecked', 'disclaimer'];
  return (
    isLang(v.lang) &&
    strings.every((k) => isStr(v[k])) &&
    isStrList(v.instruments) &&
    isList(v.articles, isCardArticle) &&
    isStrList(v.roles) &&
    isList(v.examples, isExample) &&
    isList(v.sources, isCardSource) &&
    isList(v.relatedRules, isIdTitle('name')) &&
    isList(v.related, isIdTitle('title')) &&
    isList(v.findings, isCardFinding) &&
    (v.confidence === undefined || isStr(v.confidence)) &&
    (v.checks === undefined || (isObj(v.checks) && isStrList(v.checks.aireg) && isStrList(v.checks.reviewer))) &&
    (v.findingsState === 'ready' || v.findingsState === 'unavailable') &&
    isStrList(v.notes) &&
    isStrRecord(v.labels)
  );
}

function isItem(v: unknown): v is ChecklistItem {
  return isObj(v) && typeof v.state === 'string' && ITEM_STATES.includes(v.state) && isStr(v.note, LIMITS.noteLength) && isStr(v.updatedBy) && isStr(v.updatedAt);
}
function isEvidence(v: unknown): v is Evidence {
  return (
    isObj(v) &&
    isStrList(v.lines) &&
    isList(v.links, (l): l is Evidence['links'][number] => isObj(l) && isIndex(l.index) && isStr(l.file) && isCount(l.line) && isStr(l.message) && isStr(l.ruleId)) &&
    isCount(v.more) &&
    typeof v.notDetectable === 'boolean'
  );
}
function isRow(v: unknown): boolean {
  return isObj(v) && isObligationId(v.id) && isStr(v.title) && isStr(v.instrument) && isStr(v.articles) && PHASES.includes(v.phase as string) && isItem(v.item) && isEvidence(v.evidence);
}
function isGroup(v: unknown): boolean {
  return isObj(v) && PHASES.includes(v.phase as string) && isStr(v.phaseLabel) && isStr(v.instrument) && Array.isArray(v.rows) && v.rows.every(isRow);
}
function isProgress(v: unknown): v is Progress {
  return isObj(v) && ['total', 'done', 'notApplicable', 'inProgress', 'todo'].every((k) => isIndex(v[k]));
}

/** Validates the checklist data before the webview renders it. */
export function isChecklistView(v: unknown): v is ChecklistView {
  return (
    isObj(v) &&
    isLang(v.lang) &&
    isStrList(v.roles) &&
    isStrList(v.jurisdictions) &&
    Array.isArray(v.groups) &&
    v.groups.every(isGroup) &&
    isProgress(v.progress) &&
    (v.fileError === undefined || isStr(v.fileError)) &&
    typeof v.scanned === 'boolean' &&
    isStr(v.generatedAt)
  );
}

/** Validates a message to the card webview. */
export function parseToCard(v: unknown): ToCardMessage | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'card' && isCardView(v.card)) return { type: 'card', card: v.card };
  if (v.type === 'error' && isStr(v.message)) return { type: 'error', message: v.message };
  return undefined;
}

/** Validates a message to the checklist webview. */
export function parseToChecklist(v: unknown): ToChecklistMessage | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'checklist' && isChecklistView(v.view) && isStrRecord(v.labels)) return { type: 'checklist', view: v.view, labels: v.labels };
  if (v.type === 'error' && isStr(v.message)) return { type: 'error', message: v.message };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Fitting views within the limits

/** How many findings a card lists; the rest are counted in a note ("N more"). */
export const CARD_MAX_FINDINGS = 1000;

/** Cuts text to the validators' limit, marking the cut. */
export function fitText(s: string, max: number = LIMITS.textLength): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * Trims every string and list of a view so the validators accept it: the webview rejects a whole
 * message that breaks one limit, and a blank panel is worse than a trimmed one. Views are a few
 * levels deep, so the walk is bounded.
 */
function fitDeep<T>(v: T, depth = 0): T {
  if (typeof v === 'string') return fitText(v) as T;
  if (depth > 8 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.slice(0, LIMITS.listLength).map((x: unknown) => fitDeep(x, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fitDeep(x, depth + 1);
  return out as T;
}

/**
 * A card within the limits: findings the webview could not link back (index past the limit) are
 * dropped, at most {@link CARD_MAX_FINDINGS} are listed, and `moreNote(n)` says how many are not.
 */
export function fitCardView(card: CardView, moreNote: (n: number) => string): CardView {
  const linkable = card.findings.filter((f) => f.index < LIMITS.maxIndex);
  const shown = linkable.slice(0, CARD_MAX_FINDINGS);
  const hidden = card.findings.length - shown.length;
  const notes = hidden > 0 ? [...card.notes, moreNote(hidden)] : card.notes;
  return fitDeep({ ...card, findings: shown, notes });
}

/** A checklist view within the limits: unlinkable evidence moves to "N more", notes are cut. */
export function fitChecklistView(view: ChecklistView): ChecklistView {
  const groups = view.groups.map((g) => ({
    ...g,
    rows: g.rows.map((r) => {
      const links = r.evidence.links.filter((l) => l.index < LIMITS.maxIndex);
      const item = { ...r.item, note: fitText(r.item.note, LIMITS.noteLength) };
      return { ...r, item, evidence: { ...r.evidence, links, more: r.evidence.more + (r.evidence.links.length - links.length) } };
    }),
  }));
  return fitDeep({ ...view, groups });
}
