/**
 * The Findings view in the aireg activity-bar container: every current finding, grouped by
 * obligation → rule → file, rule → file, or file (setting `aireg.findings.groupBy`). The data
 * comes from the server (`aireg/findings/all`) when the server reports new counts; the view does
 * no analysis of its own.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AllFindingsRequest, type FindingSummary, type ObligationSummary, SearchObligationsRequest } from '../shared/protocol';
import type { GroupBy } from '../shared/settings';

type Node =
  | { kind: 'group'; level: 'obligation' | 'rule' | 'file'; key: string; label: string; findings: FindingSummary[]; path: string[] }
  | { kind: 'finding'; finding: FindingSummary };

const ORDER: Record<GroupBy, ('obligation' | 'rule' | 'file')[]> = {
  obligation: ['obligation', 'rule', 'file'],
  rule: ['rule', 'file'],
  file: ['file'],
};

const SEVERITY_ICON: Record<FindingSummary['severity'], vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

export class FindingsProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private findings: FindingSummary[] = [];
  private titles = new Map<string, string>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  get groupBy(): GroupBy {
    const v = vscode.workspace.getConfiguration('aireg').get<string>('findings.groupBy');
    return v === 'rule' || v === 'file' ? v : 'obligation';
  }

  /** Asks the server for the findings again, coalescing bursts of status updates. */
  scheduleRefresh(delayMs = 250): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), delayMs);
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
      this.changed.fire(undefined);
    } catch {
      // The server restarted or stopped; the next status notification refreshes again.
    }
  }

  /** Obligation titles change with the display language only after a restart; forget them then. */
  resetTitles(): void {
    this.titles.clear();
  }

  private groups(findings: FindingSummary[], level: 'obligation' | 'rule' | 'file', path: string[]): Node[] {
    const by = new Map<string, FindingSummary[]>();
    for (const f of findings) {
      const keys = level === 'obligation' ? (f.obligations.length ? f.obligations : ['']) : [level === 'rule' ? f.ruleId : f.file];
      for (const k of keys) {
        const list = by.get(k) ?? [];
        list.push(f);
        by.set(k, list);
      }
    }
    return [...by.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([key, list]) => ({
        kind: 'group' as const,
        level,
        key,
        label: level === 'obligation' ? (key ? `${this.titles.get(key) ?? key}` : vscode.l10n.t('No obligation')) : key,
        findings: list,
        path: [...path, key],
      }));
  }

  getChildren(node?: Node): Node[] {
    const order = ORDER[this.groupBy];
    if (!node) return this.groups(this.findings, order[0]!, []);
    if (node.kind === 'finding') return [];
    const next = order[order.indexOf(node.level) + 1];
    if (next) return this.groups(node.findings, next, node.path);
    return [...node.findings]
      .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
      .map((finding) => ({ kind: 'finding' as const, finding }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'finding') {
      const f = node.finding;
      const item = new vscode.TreeItem(f.message.split('\n')[0]!, vscode.TreeItemCollapsibleState.None);
      item.description = vscode.l10n.t('{0}, line {1}', f.ruleId, f.range.start.line + 1);
      item.tooltip = `${f.file}:${f.range.start.line + 1}\n${f.message}`;
      item.iconPath = SEVERITY_ICON[f.severity];
      item.contextValue = 'aireg.finding';
      const range = new vscode.Range(f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character);
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Go to finding'), arguments: [vscode.Uri.parse(f.uri), { selection: range }] };
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `${this.groupBy}/${node.path.join('/')}`;
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

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changed.dispose();
  }
}
