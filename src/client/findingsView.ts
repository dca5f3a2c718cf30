/**
 * The Findings view ("aireg: Findings") in the aireg activity-bar container. Every current finding
 * appears once: grouped by file (default, files and findings sorted by severity), by rule, or by
 * obligation, where a finding sits under its primary obligation (the one the code link opens) and
 * names the others in its tooltip. The data comes from the server (`aireg/findings/all`) when the
 * server reports new counts; the view does no analysis of its own. The finding rows carry the
 * context menu of package.json (open card, quick fix, suppress with a reason, copy message).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AllFindingsRequest, type FindingSummary, type ObligationSummary, SearchObligationsRequest } from '../shared/protocol';
import type { GroupBy } from '../shared/settings';
import { groupFindings } from './findingsModel';

export type FindingsNode =
  | { kind: 'group'; level: GroupBy; key: string; label: string; findings: FindingSummary[] }
  | { kind: 'finding'; finding: FindingSummary; level: GroupBy };

const SEVERITY_ICON: Record<FindingSummary['severity'], vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

export class FindingsProvider implements vscode.TreeDataProvider<FindingsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FindingsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private findings: FindingSummary[] = [];
  private titles = new Map<string, string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  /** What the view knows besides the findings, for its description. */
  private scope: { workspaceScanned: boolean; files: number } = { workspaceScanned: false, files: 0 };
  /** Set by the extension so the view can show counts next to its title. */
  view: vscode.TreeView<FindingsNode> | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  get groupBy(): GroupBy {
    const v = vscode.workspace.getConfiguration('aireg').get<string>('findings.groupBy');
    return v === 'rule' || v === 'obligation' ? v : 'file';
  }

  /** The findings the view shows now (tests and the status bar read the same numbers). */
  get current(): readonly FindingSummary[] {
    return this.findings;
  }

  /** Asks the server for the findings again, coalescing bursts of status updates. */
  scheduleRefresh(delayMs = 250): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), delayMs);
  }

  /** Forgets every finding (aireg.enable turned off, server stopped). */
  clear(): void {
    this.findings = [];
    this.scope = { workspaceScanned: false, files: 0 };
    this.updateDescription();
    this.changed.fire(undefined);
  }

  async refresh(): Promise<void> {
    this.refreshTimer = undefined;
    const c = this.client();
    if (!c?.isRunning()) return;
    try {
      const [all, obligations] = await Promise.all([
        c.sendRequest(AllFindingsRequest, {}),
        this.titles.size ? Promise.resolve(undefined) : c.sendRequest(SearchObligationsRequest, { query: '' }),
      ]);
      if (obligations) this.titles = new Map(obligations.map((o: ObligationSummary) => [o.id, o.title]));
      this.findings = all.findings.filter((f) => !f.suppressed);
      this.scope = { workspaceScanned: all.workspaceScanned, files: all.files };
      this.updateDescription();
      this.changed.fire(undefined);
    } catch {
      // The server restarted or stopped; the next status notification refreshes again.
    }
  }

  private updateDescription(): void {
    if (!this.view) return;
    const n = this.findings.length;
    this.view.description = this.scope.workspaceScanned ? vscode.l10n.t('{0} in the workspace', n) : vscode.l10n.t('{0} in open files', n);
  }

  /** Obligation titles change with the display language only after a restart; forget them then. */
  resetTitles(): void {
    this.titles.clear();
  }

  titleOf(id: string): string {
    return this.titles.get(id) ?? id;
  }

  getChildren(node?: FindingsNode): FindingsNode[] {
    const by = this.groupBy;
    if (!node) {
      return groupFindings(this.findings, by).map(({ key, findings }) => ({
        kind: 'group' as const,
        level: by,
        key,
        label: by === 'obligation' ? (key ? this.titleOf(key) : vscode.l10n.t('No obligation')) : key,
        findings,
      }));
    }
    if (node.kind === 'finding') return [];
    return node.findings.map((finding) => ({ kind: 'finding' as const, finding, level: node.level }));
  }

  getTreeItem(node: FindingsNode): vscode.TreeItem {
    if (node.kind === 'finding') return this.findingItem(node.finding, node.level);
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `${node.level}/${node.key}`;
    item.description = node.level === 'obligation' && node.key ? `${node.key} · ${node.findings.length}` : String(node.findings.length);
    if (node.level === 'obligation' && node.key) {
      item.iconPath = new vscode.ThemeIcon('law');
      item.contextValue = 'aireg.obligation';
      item.tooltip = vscode.l10n.t('Open the obligation card');
      item.command = { command: 'aireg.openObligation', title: vscode.l10n.t('Open the obligation card'), arguments: [node.key] };
    } else if (node.level === 'file') {
      const first = node.findings[0];
      if (first) item.resourceUri = vscode.Uri.parse(first.uri);
      item.iconPath = vscode.ThemeIcon.File;
    } else {
      item.iconPath = new vscode.ThemeIcon('symbol-event');
    }
    return item;
  }

  private findingItem(f: FindingSummary, level: GroupBy): vscode.TreeItem {
    const item = new vscode.TreeItem(f.message.split('\n')[0]!, vscode.TreeItemCollapsibleState.None);
    // One row per finding: its id must be unique even when two findings share a line.
    item.id = `${level}/${f.uri}#${f.fingerprint}#${f.range.start.line}:${f.range.start.character}#${f.ruleId}`;
    const line = f.range.start.line + 1;
    item.description = level === 'file' ? vscode.l10n.t('{0}, line {1}', f.ruleId, line) : `${f.file}:${line}`;
    const tip = new vscode.MarkdownString();
    tip.appendText(`${f.file}:${line} · ${f.ruleId}\n\n${f.message}`);
    const primary = f.primaryObligation ?? f.obligations[0];
    if (primary) tip.appendText('\n\n' + vscode.l10n.t('Obligation: {0}', this.titleOf(primary)));
    const others = f.obligations.filter((o) => o !== primary);
    if (others.length) tip.appendText('\n' + vscode.l10n.t('Also related: {0}', others.map((o) => this.titleOf(o)).join('; ')));
    item.tooltip = tip;
    item.iconPath = SEVERITY_ICON[f.severity];
    item.contextValue = primary ? 'aireg.finding' : 'aireg.finding.noObligation';
    const range = new vscode.Range(f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character);
    item.command = { command: 'vscode.open', title: vscode.l10n.t('Go to finding'), arguments: [vscode.Uri.parse(f.uri), { selection: range }] };
    return item;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changed.dispose();
  }
}

/** The finding a context-menu command was invoked on (the tree passes its node). */
export function findingOf(arg: unknown): FindingSummary | undefined {
  const n = arg as Partial<FindingsNode> | undefined;
  return n && n.kind === 'finding' && 'finding' in n ? n.finding : undefined;
}
