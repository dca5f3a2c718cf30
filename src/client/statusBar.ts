/**
 * The aireg status bar item: the server state and the counts of current findings, from the
 * server's `aireg/status` notification, and what they cover: until a workspace scan, open files only
 * ("open files — scan workspace?"; a click scans). After a scan a click shows the Findings view.
 */
import * as vscode from 'vscode';
import type { StatusParams } from '../shared/protocol';

export class StatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('aireg.status', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'aireg';
    this.item.command = 'aireg.findings.focus';
    this.show({ state: 'starting', counts: { error: 0, warning: 0, info: 0 }, files: 0 });
    this.item.show();
  }

  /** Renders a status; exported shape so a stopped client can show `error` too. */
  show(s: StatusParams): void {
    const { error, warning, info } = s.counts;
    const counts = `$(error) ${error} $(warning) ${warning} $(info) ${info}`;
    // Until a workspace scan, the counts cover open files only: say so, and let a click scan.
    const scope = s.workspaceScanned ? '' : ` · ${vscode.l10n.t('open files — scan workspace?')}`;
    switch (s.state) {
      case 'starting':
        this.item.text = `$(sync~spin) aireg`;
        break;
      case 'analyzing':
        this.item.text = `$(sync~spin) aireg ${counts}${scope}`;
        break;
      case 'scanning':
        this.item.text = `$(sync~spin) aireg ${counts} · ${vscode.l10n.t('scanning the workspace')}`;
        break;
      case 'disabled':
        this.item.text = `$(circle-slash) aireg`;
        break;
      case 'error':
        this.item.text = `$(alert) aireg`;
        break;
      default:
        this.item.text = `$(law) aireg ${counts}${scope}`;
    }
    this.item.command = s.state === 'ready' && !s.workspaceScanned ? 'aireg.scanWorkspace' : 'aireg.findings.focus';
    const stateText: Record<StatusParams['state'], string> = {
      starting: vscode.l10n.t('starting'),
      ready: vscode.l10n.t('ready'),
      analyzing: vscode.l10n.t('analysing'),
      scanning: vscode.l10n.t('scanning the workspace'),
      disabled: vscode.l10n.t('disabled (aireg.enable)'),
      error: vscode.l10n.t('the language server stopped; see the output'),
    };
    const countText = vscode.l10n.t('{0} errors, {1} warnings, {2} infos in {3} files', error, warning, info, s.files);
    const tip = new vscode.MarkdownString();
    tip.appendText(vscode.l10n.t('aireg: {0}', stateText[s.state]) + '\n\n');
    tip.appendText(countText);
    tip.appendText('\n\n' + (s.workspaceScanned ? vscode.l10n.t('The counts cover the whole workspace (last scan) and open files.') : vscode.l10n.t('The counts cover open files only. Click to scan the workspace.')));
    if (s.restricted) tip.appendText('\n\n' + vscode.l10n.t('Restricted Mode: the workspace is not trusted.'));
    if (s.message) tip.appendText('\n\n' + s.message);
    this.item.tooltip = tip;
    this.item.accessibilityInformation = { label: `aireg ${stateText[s.state]}: ${countText}` };
    this.item.backgroundColor = s.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
