/**
 * The commands the client itself implements. Each is a small factory over a context so the
 * extension wires them in one loop; every command runs inside one error handler that reports
 * failures instead of throwing into VS Code. The obligation card and checklist commands belong
 * to the panels (src/client/panels).
 */
import * as vscode from 'vscode';
import { type LanguageClient, WorkDoneProgress } from 'vscode-languageclient/node';
import {
  CODE_ACTION_KINDS,
  ScanWorkspaceRequest,
  SearchObligationsRequest,
  type ObligationSummary,
  type SuppressFindingArgs,
} from '../shared/protocol';
import { findingOf } from './findingsView';

export interface CommandContext {
  client(): LanguageClient | undefined;
  output: vscode.OutputChannel;
  restart(): Promise<void>;
  /** Switches the Findings view grouping. */
  setGroupBy(): Promise<void>;
}

type Handler = (...args: unknown[]) => unknown;

/** Wraps a command so an error becomes a message and a line in the output, never an unhandled rejection. */
export function guarded(id: string, output: vscode.OutputChannel, fn: Handler): Handler {
  return async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      output.appendLine(`[${id}] ${err instanceof Error ? (err.stack ?? msg) : msg}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('aireg: {0} failed: {1}', id, msg));
      return undefined;
    }
  };
}

function requireClient(ctx: CommandContext): LanguageClient {
  const c = ctx.client();
  if (!c?.isRunning()) throw new Error(vscode.l10n.t('the aireg language server is not running'));
  return c;
}

async function scanWorkspace(ctx: CommandContext): Promise<void> {
  const client = requireClient(ctx);
  const token = `aireg-scan-${Date.now()}`;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('aireg: scanning the workspace'), cancellable: true },
    async (progress, cancel) => {
      let last = 0;
      const sub = client.onProgress(WorkDoneProgress.type, token, (v) => {
        if (v.kind === 'end') return;
        const pct = v.percentage ?? last;
        progress.report({ message: v.message, increment: Math.max(0, pct - last) });
        last = pct;
      });
      try {
        return await client.sendRequest(ScanWorkspaceRequest, { workDoneToken: token }, cancel);
      } finally {
        sub.dispose();
      }
    },
  );
  // The same numbers as the status bar: every published finding, by severity.
  const c = result.counts;
  const text = result.cancelled
    ? vscode.l10n.t('aireg: scan cancelled after {0} files', result.files)
    : c
      ? vscode.l10n.t('aireg: scanned {0} files: {1} errors, {2} warnings, {3} infos', result.files, c.error, c.warning, c.info)
      : vscode.l10n.t('aireg: scanned {0} files, {1} findings', result.files, result.findings);
  vscode.window.setStatusBarMessage(text, 8000);
  ctx.output.appendLine(`${text} (${result.durationMs} ms, ${result.notices} notices)`);
}

interface ObligationItem extends vscode.QuickPickItem {
  id: string;
}

function toItem(o: ObligationSummary): ObligationItem {
  return {
    id: o.id,
    label: o.title,
    description: o.id,
    detail: [o.articles.join('; '), o.altTitle].filter(Boolean).join(' — '),
    // The server ranks by ids, titles and summaries in both languages and article references;
    // VS Code's own label filter would hide those matches.
    alwaysShow: true,
  };
}

/** "Look up obligation": a quick pick searched by the server as the person types. */
async function lookupObligation(ctx: CommandContext, initial?: unknown): Promise<void> {
  const client = requireClient(ctx);
  const qp = vscode.window.createQuickPick<ObligationItem>();
  qp.title = vscode.l10n.t('aireg: Look up obligation');
  qp.placeholder = vscode.l10n.t('Id, title, article ("Art. 17", "第十七条") or standard ("GB 45438"), in English or Chinese');
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const search = async (query: string): Promise<void> => {
    const mine = ++seq;
    qp.busy = true;
    try {
      const hits = await client.sendRequest(SearchObligationsRequest, { query, limit: 50 });
      if (mine !== seq) return; // A newer query is on its way; its answer wins.
      qp.items = hits.map(toItem);
    } finally {
      if (mine === seq) qp.busy = false;
    }
  };
  const done = new Promise<void>((resolve) => {
    qp.onDidChangeValue((v) => {
      if (timer) clearTimeout(timer);
      // Rows of the previous query must not be taken for answers to this one.
      seq++;
      qp.items = [];
      qp.busy = true;
      timer = setTimeout(() => void search(v), 80);
    });
    qp.onDidAccept(() => {
      const pick = qp.selectedItems[0] ?? qp.activeItems[0];
      qp.hide();
      if (pick) void vscode.commands.executeCommand('aireg.openObligation', pick.id);
    });
    qp.onDidHide(() => {
      if (timer) clearTimeout(timer);
      qp.dispose();
      resolve();
    });
  });
  if (typeof initial === 'string') qp.value = initial;
  qp.show();
  await search(typeof initial === 'string' ? initial : '');
  await done;
}

function isSuppressArgs(v: unknown): v is SuppressFindingArgs {
  const a = v as Partial<SuppressFindingArgs> | undefined;
  return !!a && typeof a.uri === 'string' && typeof a.line === 'number' && typeof a.snippet === 'string';
}

/**
 * Inserts the suppression comment (a snippet whose first tab stop is the reason). Without
 * arguments it asks the server for the suppression of the aireg diagnostic under the cursor.
 */
async function suppressFinding(arg?: unknown): Promise<void> {
  let args = isSuppressArgs(arg) ? arg : undefined;
  if (!args) {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const here = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'aireg' && d.range.contains(editor.selection.active));
    if (here.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No aireg finding at the cursor.'));
      return;
    }
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, here[0]!.range, CODE_ACTION_KINDS.suppress)) ?? [];
    const found = actions.map((a) => a.command?.arguments?.[0]).find(isSuppressArgs);
    if (!found) return;
    args = found;
  }
  const uri = vscode.Uri.parse(args.uri);
  const editor = await vscode.window.showTextDocument(uri, { preserveFocus: false });
  const line = Math.min(args.line, editor.document.lineCount - 1);
  await editor.insertSnippet(new vscode.SnippetString(args.snippet), new vscode.Position(line, 0));
}

/** Opens the finding's file with the finding selected; the editor commands then act on it. */
async function revealFinding(arg: unknown): Promise<vscode.TextEditor | undefined> {
  const f = findingOf(arg);
  if (!f) return undefined;
  const range = new vscode.Range(f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character);
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(f.uri), { preserveFocus: false });
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

/** Context-menu commands of the Findings view; each receives the finding's tree node. */
function findingCommands(): Record<string, Handler> {
  return {
    'aireg.findings.openCard': async (arg?: unknown) => {
      const f = findingOf(arg);
      const id = f?.primaryObligation ?? f?.obligations[0];
      if (f && id) await vscode.commands.executeCommand('aireg.openObligation', id, { ruleId: f.ruleId, fingerprint: f.fingerprint });
    },
    'aireg.findings.quickFix': async (arg?: unknown) => {
      if (await revealFinding(arg)) await vscode.commands.executeCommand('editor.action.quickFix');
    },
    'aireg.findings.suppress': async (arg?: unknown) => {
      if (await revealFinding(arg)) await suppressFinding();
    },
    'aireg.findings.copyMessage': async (arg?: unknown) => {
      const f = findingOf(arg);
      if (f) await vscode.env.clipboard.writeText(f.message);
    },
  };
}

/** The commands this file implements, by id. */
export function clientCommands(ctx: CommandContext): Record<string, Handler> {
  return {
    'aireg.scanWorkspace': () => scanWorkspace(ctx),
    'aireg.lookupObligation': (q?: unknown) => lookupObligation(ctx, q),
    'aireg.restartServer': () => ctx.restart(),
    'aireg.showOutput': () => ctx.output.show(true),
    'aireg.suppressFinding': (a?: unknown) => suppressFinding(a),
    'aireg.findings.groupBy': () => ctx.setGroupBy(),
    ...findingCommands(),
  };
}
