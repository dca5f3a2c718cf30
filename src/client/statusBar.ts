/**
 * The aireg status bar item: the server state and the counts of current findings, from the
 * server's `aireg/status` notification. Clicking it shows the Findings view.
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
    switch (s.state) {
      case 'starting':
        this.item.text = `$(sync~spin) aireg`;
        break;
      case 'analyzing':
      case 'scanning':
        this.item.text = `$(sync~spin) aireg $(error) ${error} $(warning) ${warning} $(info) ${info}`;
        break;
      case 'disabled':
        this.item.text = `$(circle-slash) aireg`;
        break;
      case 'error':
        this.item.text = `$(alert) aireg`;
        break;
      default:
        this.item.text = `$(law) aireg $(error) ${error} $(warning) ${warning} $(info) ${info}`;
    }
    const stateText: Record<StatusParams['state'], string> = {
      starting: vscode.l10n.t('starting'),
      ready: vscode.l10n.t('ready'),
      analyzing: vscode.l10n.t('analysing'),
      scanning: vscode.l10n.t('scanning the workspace'),
      disabled: vscode.l10n.t('disabled (aireg.enable)'),
      error: vscode.l10n.t('the language server stopped; see the output'),
    };
    const tip = new vscode.MarkdownString();
    tip.appendText(vscode.l10n.t('aireg: {0}', stateText[s.state]) + '\n\n');
    tip.appendText(vscode.l10n.t('{0} errors, {1} warnings, {2} infos in {3} files', error, warning, info, s.files));
    if (s.restricted) tip.appendText('\n\n' + vscode.l10n.t('Restricted Mode: the workspace is not trusted.'));
    if (s.message) tip.appendText('\n\n' + s.message);
    this.item.tooltip = tip;
    this.item.accessibilityInformation = { label: `aireg ${stateText[s.state]}: ${error} errors, ${warning} warnings, ${info} infos` };
    this.item.backgroundColor = s.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
