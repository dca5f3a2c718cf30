/**
 * Every custom message between the aireg client (the VS Code extension) and the aireg language
 * server, beyond standard LSP. Each entry says who sends it and why. docs/architecture.md mirrors
 * this file; a unit test checks that the two list the same methods.
 *
 * Standard LSP carries the rest: diagnostics are pushed with `textDocument/publishDiagnostics`,
 * hovers and quick fixes use `textDocument/hover` and `textDocument/codeAction`, settings are
 * pulled with `workspace/configuration`, and `.aireg.json` changes arrive as
 * `workspace/didChangeWatchedFiles`.
 */
import { NotificationType, RequestType, type ProgressToken } from 'vscode-languageserver-protocol';

/** A 0-based line and UTF-16 character, as LSP counts them. */
export interface WirePosition {
  line: number;
  character: number;
}

export interface WireRange {
  start: WirePosition;
  end: WirePosition;
}

/**
 * One finding as the client sees it (Findings view, obligation card, checklist evidence). It fits
 * the `PanelFinding` shape of src/shared/webviewMessages.ts and adds the document URI.
 */
export interface FindingSummary {
  /** Document URI (file:// for workspace files). */
  uri: string;
  /** Workspace-relative path with forward slashes, or the URI path outside a workspace. */
  file: string;
  ruleId: string;
  range: WireRange;
  /** One line in the display language, naming the article (what the Problems panel shows). */
  message: string;
  /** The rule's full explanation: why, which articles, how to fix (English). */
  detail?: string;
  severity: 'error' | 'warning' | 'info';
  obligations: string[];
  /** The obligation that binds the configured roles first (what the code link opens); the rest are related. */
  primaryObligation?: string;
  /** Stable id of the finding (engine fingerprint). */
  fingerprint: string;
  /** True when an `aireg-disable` comment with a reason covers it; such findings are not published as diagnostics. */
  suppressed?: boolean;
  generation?: { provider: string; modality: string; api: string };
}

/** Obligation text in the display language, for lists (quick pick, hovers). */
export interface ObligationSummary {
  id: string;
  title: string;
  jurisdiction: string;
  /** Article references in the display language, e.g. "《标识办法》第四条". */
  articles: string[];
  summary: string;
  /** The other language's title, so a list shows both and matches either. */
  altTitle: string;
  /** What a search hit matched on (id, article, title, ...); empty for plain listings. */
  matched: string[];
}

/** Sent by the client to search obligations for the "Look up obligation" quick pick. */
export interface SearchObligationsParams {
  /** What the person typed: id, title words, "Art. 17", "第十七条", "GB 45438"; empty lists every obligation. */
  query: string;
  limit?: number;
}

/**
 * `aireg/obligations/search` — client → server. Runs the knowledge-base search (both languages,
 * article references) so the quick pick shows the same ranking as the CLI, without the client
 * loading the knowledge base on the extension host.
 */
export const SearchObligationsRequest = new RequestType<SearchObligationsParams, ObligationSummary[], void>('aireg/obligations/search');

export interface GetObligationParams {
  id: string;
}

export interface GetObligationResult {
  /** The obligation record of src/core/kb (bilingual); undefined for an unknown id. */
  obligation?: unknown;
  /** Instruments the obligation's articles cite (records of src/core/kb). */
  instruments: unknown[];
  /** Where the reference entry lives (docs/obligations.md#id). */
  docUrl?: string;
  /** The official URL of the first cited article or its instrument, for `aireg.openArticle`. */
  articleUrl?: string;
  /** The knowledge-base disclaimer in both languages. */
  disclaimer?: { en: string; zh: string };
}

/**
 * `aireg/obligations/get` — client → server. The full bilingual record of one obligation and the
 * instruments it cites, for the obligation card and `aireg.openArticle`. The record is typed as
 * `unknown` on the wire; the client may import the `Obligation` type from src/core/kb.
 */
export const GetObligationRequest = new RequestType<GetObligationParams, GetObligationResult, void>('aireg/obligations/get');

export interface FindingsByObligationParams {
  id: string;
}

/**
 * `aireg/findings/byObligation` — client → server. This workspace's current findings that are
 * evidence for one obligation (open documents and the last workspace scan), for the card.
 */
export const FindingsByObligationRequest = new RequestType<FindingsByObligationParams, FindingSummary[], void>('aireg/findings/byObligation');

export interface AllFindingsResult {
  findings: FindingSummary[];
  /** True once a workspace scan finished (not cancelled); before that only open files are known. */
  workspaceScanned: boolean;
  /** Number of files the findings come from (analysed files, with or without findings). */
  files: number;
}

/**
 * `aireg/findings/all` — client → server. Every current finding, suppressed ones included and
 * marked, for the Findings view and the checklist's evidence.
 */
export const AllFindingsRequest = new RequestType<Record<string, never>, AllFindingsResult, void>('aireg/findings/all');

export interface ScanWorkspaceParams {
  /** Client-created token; the server reports `$/progress` (begin/report/end) on it. */
  workDoneToken?: ProgressToken;
}

export interface ScanWorkspaceResult {
  files: number;
  /** Published (not suppressed) findings of every file the server knows after the scan: the status bar's counts summed. */
  findings: number;
  /** The same findings by severity (what the status bar shows). */
  counts?: { error: number; warning: number; info: number };
  cancelled: boolean;
  durationMs: number;
  /** Files skipped or only partly analysed, with why (too large, binary, unreadable...). */
  notices: number;
}

/**
 * `aireg/scanWorkspace` — client → server. Discovers every analysable file of every workspace
 * folder (honouring .gitignore, .airegignore and `.aireg.json` include/exclude), analyses it and
 * publishes its diagnostics so the Problems panel covers the whole workspace. Cancelling the
 * request stops the walk; results published so far stay.
 */
export const ScanWorkspaceRequest = new RequestType<ScanWorkspaceParams, ScanWorkspaceResult, void>('aireg/scanWorkspace');

/** What the server is doing, for the status bar. */
export type ServerState = 'starting' | 'ready' | 'analyzing' | 'scanning' | 'disabled' | 'error';

export interface StatusParams {
  state: ServerState;
  /** Published (not suppressed) findings by severity, over every document the server knows. */
  counts: { error: number; warning: number; info: number };
  /** Files with results. */
  files: number;
  /** True once a workspace scan finished: the counts cover the workspace, not only open files. */
  workspaceScanned?: boolean;
  /** Localized detail for the tooltip: a config error, the scan progress, a grammar that failed. */
  message?: string;
  /** True when the workspace is untrusted and `.aireg.json` may not lower severities. */
  restricted?: boolean;
}

/**
 * `aireg/status` — server → client. Sent whenever the state or the counts change, so the status
 * bar and the Findings view refresh without polling.
 */
export const StatusNotification = new NotificationType<StatusParams>('aireg/status');

/** What the client passes in `initializationOptions`. */
export interface InitializationOptions {
  /** The display language (`vscode.env.language`), e.g. "en" or "zh-cn". */
  locale: string;
  /** The contents of the l10n bundle for `locale` (`vscode.l10n.bundle`), for `@vscode/l10n` in the server. */
  l10nBundle?: Record<string, string | { message: string; comment: string[] }>;
  /** `vscode.workspace.isTrusted`; in an untrusted workspace `.aireg.json` may only raise severities. */
  trusted: boolean;
}

/**
 * Arguments of `aireg.openObligation` as diagnostics, hovers and the Findings view pass them:
 * the obligation id, then optionally the finding that led there (the card highlights it).
 * Only ids travel, because command-URI arguments are re-encoded by the editor.
 */
export type OpenObligationArgs = [id: string, focus?: { ruleId?: string; fingerprint?: string }];

/**
 * Arguments of `aireg.suppressFinding` as the server's quick fix passes them: insert `snippet`
 * (a VS Code snippet whose `${1:...}` is the reason) at the start of `line` in `uri`.
 */
export interface SuppressFindingArgs {
  uri: string;
  line: number;
  snippet: string;
}

/** The code action kinds the server offers, so the client can ask for one kind only. */
export const CODE_ACTION_KINDS = {
  label: 'quickfix.aireg.label',
  guard: 'quickfix.aireg.guard',
  suppress: 'quickfix.aireg.suppress',
  openCard: 'quickfix.aireg.openCard',
  openArticle: 'quickfix.aireg.openArticle',
} as const;

/** Every custom method, for the doc-sync test. */
export const CUSTOM_METHODS: readonly string[] = [
  SearchObligationsRequest.method,
  GetObligationRequest.method,
  FindingsByObligationRequest.method,
  AllFindingsRequest.method,
  ScanWorkspaceRequest.method,
  StatusNotification.method,
];
