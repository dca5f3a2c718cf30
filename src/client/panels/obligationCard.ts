/**
 * The obligation card panel (view type `aireg.obligationCard`). One panel per obligation: opening
 * an open card reveals it. The page gets its data after `ready`; links back are an obligation id,
 * a source index or a finding index, resolved here against the bundled data and the findings the
 * panel last sent.
 */
import * as vscode from 'vscode';
import { type FromCardMessage, type Lang, type PanelFinding, type ToCardMessage, isObligationId, parseFromCard } from '../../shared/webviewMessages';
import { WebviewPanelBase, webviewOptions } from '../webview/panel';
import { articleUrl, buildCardView, sourceUrl } from './cardView';
import type { PanelDeps } from './deps';

export const CARD_VIEW_TYPE = 'aireg.obligationCard';

/** The serialized state of a card: only the obligation id. */
export interface CardState {
  id: string;
}

export function isCardState(v: unknown): v is CardState {
  return typeof v === 'object' && v !== null && isObligationId((v as { id?: unknown }).id);
}

/** Opens the official text of an obligation's article in the browser, resolved from the data. */
export async function openArticle(id: string): Promise<void> {
  const url = isObligationId(id) ? articleUrl(id) : undefined;
  if (!url) {
    void vscode.window.showWarningMessage(vscode.l10n.t('aireg: no official text is recorded for "{0}".', String(id)));
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
}

export class ObligationCardPanel extends WebviewPanelBase<FromCardMessage, ToCardMessage> {
  private static readonly open = new Map<string, ObligationCardPanel>();
  private findings: readonly PanelFinding[] = [];
  private lang: Lang | undefined;

  /** Shows the card of `id`, reusing its panel if one is open. */
  static show(context: vscode.ExtensionContext, deps: PanelDeps, id: string): ObligationCardPanel {
    const existing = ObligationCardPanel.open.get(id);
    if (existing) {
      existing.panel.reveal();
      void existing.refresh();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(CARD_VIEW_TYPE, id, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(context.extensionUri));
    return new ObligationCardPanel(panel, context, deps, id);
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static restore(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: PanelDeps, id: string): ObligationCardPanel {
    return new ObligationCardPanel(panel, context, deps, id);
  }

  /** Refreshes every open card (new findings or language). */
  static refreshAll(): void {
    for (const p of ObligationCardPanel.open.values()) void p.refresh();
  }

  private constructor(
    panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly deps: PanelDeps,
    readonly id: string,
  ) {
    super(panel, context.extensionUri, parseFromCard, { title: id, script: 'cardMain.js', styles: ['webview.css'] }, deps.log);
    ObligationCardPanel.open.get(id)?.dispose();
    ObligationCardPanel.open.set(id, this);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icons', 'aireg.svg');
  }

  protected override onDispose(): void {
    if (ObligationCardPanel.open.get(this.id) === this) ObligationCardPanel.open.delete(this.id);
  }

  protected async onReady(): Promise<void> {
    await this.refresh();
  }

  /** Builds and sends the card with fresh findings. */
  async refresh(): Promise<void> {
    const lang = this.lang ?? this.deps.getLanguage();
    let findings: readonly PanelFinding[] | undefined;
    try {
      findings = await this.deps.getFindingsFor(this.id);
    } catch (err) {
      // A card without findings is still useful; the server may be starting or stopped.
      this.deps.log?.warn(`aireg card ${this.id}: findings unavailable: ${err instanceof Error ? err.message : String(err)}`);
      findings = undefined;
    }
    const card = buildCardView(this.id, findings, lang);
    if (!card) {
      await this.post({ type: 'error', message: vscode.l10n.t('Unknown obligation "{0}".', this.id) });
      return;
    }
    this.findings = findings ?? [];
    this.panel.title = card.title;
    await this.post({ type: 'card', card });
  }

  protected async onMessage(msg: FromCardMessage): Promise<void> {
    switch (msg.type) {
      case 'openObligation':
        await vscode.commands.executeCommand('aireg.openObligation', msg.id);
        return;
      case 'openArticle':
        await openArticle(msg.id);
        return;
      case 'openSource': {
        const url = sourceUrl(msg.id, msg.index);
        if (url) await vscode.env.openExternal(vscode.Uri.parse(url, true));
        return;
      }
      case 'revealFinding': {
        const f = this.findings[msg.index];
        if (!f) throw new Error(vscode.l10n.t('That finding is no longer in the latest scan; the card has been refreshed.'));
        await this.deps.revealLocation(f.uri ?? f.file, f.range);
        return;
      }
      case 'setLanguage':
        this.lang = msg.lang;
        await this.refresh();
        return;
      case 'ready':
        return;
    }
  }
}
