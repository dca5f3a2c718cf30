/**
 * The checklist panel (view type `aireg.checklist`): one per window, over the first workspace
 * folder. State lives in `.aireg/checklist.json` through a {@link ChecklistSession}: every change is
 * merged with the file and written atomically; a file watcher merges changes made elsewhere; a
 * broken file shows a banner and a notification and is never written until the user asks.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CHECKLIST_RELATIVE_PATH, type ChecklistFileError, ChecklistSession, checklistToHtml, checklistToMarkdown, resolveUserName } from '../../core/checklist';
import { ROLE_LABELS } from '../../core/kb';
import { type FromChecklistMessage, type Lang, type PanelFinding, type ToChecklistMessage, parseFromChecklist } from '../../shared/webviewMessages';
import { WebviewPanelBase, webviewOptions } from '../webview/panel';
import { checklistLabels, checklistView } from './checklistModel';
import type { PanelDeps } from './deps';
import { CONFIG_JURISDICTIONS, CONFIG_ROLES, type Scope, readScope, writeScope } from './scope';

export const CHECKLIST_VIEW_TYPE = 'aireg.checklist';

/** workspaceState key: the user was asked for roles once and answered or dismissed. */
const ASKED_KEY = 'aireg.checklist.scopeAsked';
/** Defaults when `.aireg.json` does not say (the same as the engine's defaults). */
const DEFAULT_SCOPE: Scope = { roles: ['service-provider'], jurisdictions: ['CN', 'EU'] };

function workspaceRoot(): string | undefined {
  const f = vscode.workspace.workspaceFolders?.[0];
  return f && f.uri.scheme === 'file' ? f.uri.fsPath : undefined;
}

function describeError(e: ChecklistFileError): string {
  return vscode.l10n.t('{0} cannot be used: {1}. It was left untouched; your changes are kept in memory until it is fixed.', CHECKLIST_RELATIVE_PATH, e.message);
}

/**
 * Asks for roles and jurisdictions with two quick picks and offers to record them in
 * `.aireg.json`. Returns undefined if the user dismisses the first pick.
 */
export async function askScope(root: string, current: Scope, lang: Lang): Promise<Scope | undefined> {
  const roles = await vscode.window.showQuickPick(
    CONFIG_ROLES.map((r) => ({ label: ROLE_LABELS[r][lang], description: r, picked: current.roles.includes(r), id: r })),
    { canPickMany: true, title: vscode.l10n.t('aireg checklist: which roles does your team have?'), ignoreFocusOut: true },
  );
  if (!roles || roles.length === 0) return undefined;
  const juris = await vscode.window.showQuickPick(
    CONFIG_JURISDICTIONS.map((j) => ({ label: j === 'CN' ? vscode.l10n.t('China') : vscode.l10n.t('European Union'), description: j, picked: current.jurisdictions.includes(j), id: j })),
    { canPickMany: true, title: vscode.l10n.t('aireg checklist: which jurisdictions apply?'), ignoreFocusOut: true },
  );
  if (!juris || juris.length === 0) return undefined;
  const scope: Scope = { roles: roles.map((r) => r.id), jurisdictions: juris.map((j) => j.id) };
  const write = vscode.l10n.t('Write to .aireg.json');
  const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Record these roles and jurisdictions in .aireg.json so the whole team and the CLI use them?'), write, vscode.l10n.t('Not now'));
  if (answer === write) {
    try {
      writeScope(root, scope);
    } catch (err) {
      void vscode.window.showWarningMessage(err instanceof Error ? err.message : String(err));
    }
  }
  return scope;
}

/** The scope from `.aireg.json`, asking once per workspace when it sets neither key. */
async function resolveScope(context: vscode.ExtensionContext, root: string, lang: Lang, force: boolean): Promise<Scope> {
  const read = readScope(root);
  const scope: Scope = { roles: read.roles ?? DEFAULT_SCOPE.roles, jurisdictions: read.jurisdictions ?? DEFAULT_SCOPE.jurisdictions };
  const unset = !read.roles && !read.jurisdictions && !read.error;
  if (force || (unset && !context.workspaceState.get<boolean>(ASKED_KEY))) {
    await context.workspaceState.update(ASKED_KEY, true);
    return (await askScope(root, scope, lang)) ?? scope;
  }
  return scope;
}

export class ChecklistPanel extends WebviewPanelBase<FromChecklistMessage, ToChecklistMessage> {
  private static current: ChecklistPanel | undefined;
  private findings: readonly PanelFinding[] | undefined;
  private lang: Lang | undefined;
  private lastNotifiedError: string | undefined;

  /** Opens (or reveals) the checklist. */
  static async show(context: vscode.ExtensionContext, deps: PanelDeps): Promise<ChecklistPanel | undefined> {
    if (ChecklistPanel.current) {
      ChecklistPanel.current.panel.reveal();
      return ChecklistPanel.current;
    }
    const root = workspaceRoot();
    if (!root) {
      void vscode.window.showWarningMessage(vscode.l10n.t('aireg: open a folder to use the checklist; its state is saved in {0}.', CHECKLIST_RELATIVE_PATH));
      return undefined;
    }
    const scope = await resolveScope(context, root, deps.getLanguage(), false);
    const panel = vscode.window.createWebviewPanel(CHECKLIST_VIEW_TYPE, vscode.l10n.t('aireg Checklist'), vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    return new ChecklistPanel(panel, context, deps, root, scope);
  }

  /** Re-attaches a panel VS Code restored after a reload; never prompts. */
  static restore(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: PanelDeps): void {
    const root = workspaceRoot();
    if (!root) {
      panel.dispose();
      return;
    }
    const read = readScope(root);
    new ChecklistPanel(panel, context, deps, root, { roles: read.roles ?? DEFAULT_SCOPE.roles, jurisdictions: read.jurisdictions ?? DEFAULT_SCOPE.jurisdictions });
  }

  /** Refreshes the open checklist (new findings or language). */
  static refreshCurrent(): void {
    void ChecklistPanel.current?.refresh(true);
  }

  private readonly session: ChecklistSession;

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly deps: PanelDeps,
    private readonly root: string,
    private scope: Scope,
  ) {
    super(panel, context.extensionUri, parseFromChecklist, { title: 'aireg Checklist', script: 'checklistMain.js', styles: ['webview.css'] }, deps.log);
    ChecklistPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icons', 'aireg.svg');
    // The name is read from git's config files once; git itself is never run (see gitUser.ts).
    const user = resolveUserName(root);
    this.session = new ChecklistSession(path.join(root, CHECKLIST_RELATIVE_PATH), () => user);
    this.report(this.session.load().error);
    const folder = vscode.workspace.workspaceFolders![0];
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, CHECKLIST_RELATIVE_PATH));
    const config = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.aireg.json'));
    const onDisk = () => this.guard('merge checklist changes', () => this.report(this.session.diskChanged().error));
    const onConfig = () =>
      this.guard('read .aireg.json', () => {
        const read = readScope(this.root);
        this.scope = { roles: read.roles ?? this.scope.roles, jurisdictions: read.jurisdictions ?? this.scope.jurisdictions };
      });
    this.disposables.push(watcher, config, watcher.onDidChange(onDisk), watcher.onDidCreate(onDisk), watcher.onDidDelete(onDisk), config.onDidChange(onConfig), config.onDidCreate(onConfig));
  }

  /** Runs a watcher callback inside the error handler and re-sends the view. */
  private guard(action: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('aireg: {0} failed: {1}', action, err instanceof Error ? err.message : String(err)));
    }
    void this.send();
  }

  /** Notifies once per distinct file error (the banner shows it for as long as it lasts). */
  private report(error: ChecklistFileError | undefined): void {
    if (!error) {
      this.lastNotifiedError = undefined;
      return;
    }
    if (error.message === this.lastNotifiedError) return;
    this.lastNotifiedError = error.message;
    void vscode.window.showErrorMessage(describeError(error));
  }

  protected override onDispose(): void {
    if (ChecklistPanel.current === this) ChecklistPanel.current = undefined;
  }

  protected async onReady(): Promise<void> {
    await this.refresh(true);
  }

  private language(): Lang {
    return this.lang ?? this.deps.getLanguage();
  }

  /** Re-fetches findings if asked, then sends the view. */
  async refresh(fetchFindings: boolean): Promise<void> {
    if (fetchFindings) {
      try {
        this.findings = await this.deps.getFindings();
      } catch (err) {
        this.deps.log?.warn(`aireg checklist: findings unavailable: ${err instanceof Error ? err.message : String(err)}`);
        this.findings = undefined;
      }
    }
    await this.send();
  }

  private async send(): Promise<void> {
    const lang = this.language();
    const err = this.session.error;
    const view = checklistView({ scope: this.scope, state: this.session.state, findings: this.findings, lang, ...(err ? { fileError: describeError(err) } : {}) });
    await this.post({ type: 'checklist', view, labels: checklistLabels(lang) });
  }

  protected async onMessage(msg: FromChecklistMessage): Promise<void> {
    switch (msg.type) {
      case 'setState':
      case 'setNote': {
        const r = this.session.change(msg.type === 'setState' ? { id: msg.id, state: msg.state } : { id: msg.id, note: msg.note });
        this.report(r.error);
        if (r.conflicts.length) {
          void vscode.window.showInformationMessage(vscode.l10n.t('aireg: {0} checklist row(s) were also changed on disk; the newer change was kept and both notes preserved.', r.conflicts.length));
        }
        await this.send();
        return;
      }
      case 'openObligation':
        await vscode.commands.executeCommand('aireg.openObligation', msg.id);
        return;
      case 'revealFinding': {
        const f = this.findings?.[msg.index];
        if (!f) throw new Error(vscode.l10n.t('That finding is no longer in the latest scan.'));
        await this.deps.revealLocation(f.uri ?? f.file, f.range);
        return;
      }
      case 'setLanguage':
        this.lang = msg.lang;
        await this.send();
        return;
      case 'export':
        await vscode.commands.executeCommand('aireg.exportChecklist');
        return;
      case 'rescan':
        await vscode.commands.executeCommand('aireg.scanWorkspace');
        await this.refresh(true);
        return;
      case 'configure':
        this.scope = await resolveScope(this.context, this.root, this.language(), true);
        await this.send();
        return;
      case 'repair':
        await this.repair();
        return;
      case 'ready':
        return;
    }
  }

  /** Writes a repaired file, only after the user confirms; the broken text is kept as a backup. */
  private async repair(): Promise<void> {
    if (!this.session.error) {
      await this.send();
      return;
    }
    const ok = vscode.l10n.t('Write repaired file');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Replace the broken {0}?', CHECKLIST_RELATIVE_PATH),
      { modal: true, detail: vscode.l10n.t('Rows that can still be read from it are merged with the state shown in the panel (newer change wins, both notes kept). The broken file is kept beside it as a backup.') },
      ok,
    );
    if (answer !== ok) return;
    const { backup } = this.session.repair();
    this.report(undefined);
    void vscode.window.showInformationMessage(vscode.l10n.t('aireg: wrote a repaired {0}; the broken file is kept as {1}.', CHECKLIST_RELATIVE_PATH, path.basename(backup)));
    await this.send();
  }

  /** The Markdown and HTML export of the current view. */
  exportTexts(): { markdown: string; html: string } {
    const lang = this.language();
    const view = checklistView({ scope: this.scope, state: this.session.state, findings: this.findings, lang });
    return { markdown: checklistToMarkdown(view), html: checklistToHtml(view) };
  }

  static get open(): ChecklistPanel | undefined {
    return ChecklistPanel.current;
  }
}

/**
 * `aireg.exportChecklist`: asks where to save, then writes Markdown or HTML (by the chosen
 * extension) with the evidence of the latest scan. Works without the panel open.
 */
export async function exportChecklist(deps: PanelDeps): Promise<void> {
  const root = workspaceRoot();
  if (!root) {
    void vscode.window.showWarningMessage(vscode.l10n.t('aireg: open a folder to export its checklist.'));
    return;
  }
  let texts = ChecklistPanel.open?.exportTexts();
  if (!texts) {
    const session = new ChecklistSession(path.join(root, CHECKLIST_RELATIVE_PATH), () => '');
    const loaded = session.load();
    if (loaded.error) void vscode.window.showWarningMessage(describeError(loaded.error));
    const read = readScope(root);
    const lang = deps.getLanguage();
    let findings: readonly PanelFinding[] | undefined;
    try {
      findings = await deps.getFindings();
    } catch {
      findings = undefined;
    }
    const view = checklistView({ scope: { roles: read.roles ?? DEFAULT_SCOPE.roles, jurisdictions: read.jurisdictions ?? DEFAULT_SCOPE.jurisdictions }, state: session.state, findings, lang });
    texts = { markdown: checklistToMarkdown(view), html: checklistToHtml(view) };
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(root, 'aireg-checklist.md')),
    filters: { Markdown: ['md'], HTML: ['html', 'htm'] },
    title: vscode.l10n.t('Export the aireg checklist'),
  });
  if (!target) return;
  const isHtml = /\.html?$/i.test(target.path);
  await vscode.workspace.fs.writeFile(target, Buffer.from(isHtml ? texts.html : texts.markdown, 'utf8'));
  // Not awaited: the command returns once the file is written; "Open" shows it when picked.
  const open = vscode.l10n.t('Open');
  void vscode.window.showInformationMessage(vscode.l10n.t('aireg: checklist exported to {0}.', vscode.workspace.asRelativePath(target)), open).then((pick) => {
    if (pick === open) void vscode.commands.executeCommand('vscode.open', target);
  });
}
