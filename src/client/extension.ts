/**
 * The aireg extension (bundled to dist/client.js): a thin client. It starts the language server
 * (dist/server.js over IPC), registers the commands, the status bar item and the Findings view,
 * and passes messages; all analysis runs in the server process, never on the extension host.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { type InitializationOptions, StatusNotification } from '../shared/protocol';
import { clientCommands, type CommandContext, guarded } from './commands';
import { FindingsProvider } from './findingsView';
import { createConfig, offerConfig } from './firstRun';
import { panelDeps } from './panelDeps';
import { registerPanels } from './panels';
import { StatusBar } from './statusBar';

/** The editor languages aireg analyses (the server maps them to grammars). */
export const LANGUAGE_IDS = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go', 'java'] as const;

/** Commands whose links the server puts in hovers; only these run from hover markdown. */
export const HOVER_COMMANDS = ['aireg.openObligation', 'aireg.lookupObligation'];

let client: LanguageClient | undefined;

function initializationOptions(): InitializationOptions {
  return {
    locale: vscode.env.language,
    ...(vscode.l10n.bundle ? { l10nBundle: vscode.l10n.bundle } : {}),
    trusted: vscode.workspace.isTrusted,
  };
}

function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  // The server's compiled code is cached in the extension's own storage (see src/launch/codeCache.ts),
  // so each start after the first skips compiling the bundle; an explicit AIREG_CODE_CACHE wins.
  const env = { ...process.env, AIREG_CODE_CACHE: process.env['AIREG_CODE_CACHE'] || path.join(context.globalStorageUri.fsPath, 'v8') };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGE_IDS.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
    // The configuration, and the source files the server's workspace model may have read (a
    // change on disk, from git or another editor, must not leave it with the old text).
    synchronize: { fileEvents: [vscode.workspace.createFileSystemWatcher('**/.aireg.json'), vscode.workspace.createFileSystemWatcher('**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,go,java,json}')] },
    // A function, so a restart after the workspace becomes trusted sends the new trust state.
    initializationOptions,
    outputChannel: output,
    middleware: {
      // Hover markdown from the server links to obligation cards; trust exactly those commands.
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        for (const c of hover?.contents ?? []) {
          if (c instanceof vscode.MarkdownString) c.isTrusted = { enabledCommands: HOVER_COMMANDS };
        }
        return hover;
      },
    },
  };
  return new LanguageClient('aireg', 'aireg', serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('aireg', { log: true });
  const findingsChanged = new vscode.EventEmitter<unknown>();
  const status = new StatusBar();
  const findings = new FindingsProvider(() => client);
  const view = vscode.window.createTreeView('aireg.findings', { treeDataProvider: findings, showCollapseAll: true });
  findings.view = view;
  context.subscriptions.push(output, status, findings, view, findingsChanged);

  let changeTimer: NodeJS.Timeout | undefined;
  context.subscriptions.push({ dispose: () => changeTimer && clearTimeout(changeTimer) });
  client = createClient(context, output);
  const c = client;
  context.subscriptions.push(
    c.onNotification(StatusNotification, (s) => {
      status.show(s);
      if (view.visible) findings.scheduleRefresh();
      // Panels re-request findings on this event; one per burst of analyses is enough.
      if (!changeTimer) changeTimer = setTimeout(() => {
        changeTimer = undefined;
        findingsChanged.fire(undefined);
      }, 300);
    }),
    c.onDidChangeState((e) => {
      if (e.newState === State.Stopped) {
        status.show({ state: 'error', counts: { error: 0, warning: 0, info: 0 }, files: 0 });
        findings.clear();
      }
    }),
    view.onDidChangeVisibility((e) => {
      if (e.visible) findings.scheduleRefresh(0);
    }),
  );

  const ctx: CommandContext = {
    client: () => client,
    output,
    restart: async () => {
      findings.resetTitles();
      await c.restart();
    },
    setGroupBy: async () => {
      const options: { label: string; value: string }[] = [
        { label: vscode.l10n.t('File (most severe first)'), value: 'file' },
        { label: vscode.l10n.t('Rule'), value: 'rule' },
        { label: vscode.l10n.t('Obligation (each finding under its primary obligation)'), value: 'obligation' },
      ];
      const pick = await vscode.window.showQuickPick(options, { title: vscode.l10n.t('Group aireg findings by') });
      if (pick) await vscode.workspace.getConfiguration('aireg').update('findings.groupBy', pick.value, vscode.ConfigurationTarget.Global);
    },
  };

  // The panels register the card and checklist commands (openObligation, openArticle,
  // openChecklist, exportChecklist) and their serializers; the rest are the client's own.
  registerPanels(context, panelDeps(() => client, findingsChanged.event, output));
  for (const [id, fn] of Object.entries(clientCommands(ctx))) context.subscriptions.push(vscode.commands.registerCommand(id, guarded(id, output, fn)));
  context.subscriptions.push(vscode.commands.registerCommand('aireg.createConfig', guarded('aireg.createConfig', output, createConfig)));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aireg.findings.groupBy')) findings.scheduleRefresh(0);
    }),
    // Trust changes what `.aireg.json` may do; the server reads it at start.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void ctx.restart()),
  );

  try {
    await c.start();
    // Not awaited: the notification waits for the person, activation must not.
    void offerConfig(context);
  } catch (err) {
    output.appendLine(`aireg: the language server failed to start: ${err instanceof Error ? err.message : String(err)}`);
    status.show({ state: 'error', counts: { error: 0, warning: 0, info: 0 }, files: 0 });
  }
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c?.isRunning()) await c.stop();
}
