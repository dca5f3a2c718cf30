/**
 * Registers the obligation card and checklist panels: their commands and the serializers that
 * restore them after a reload (storing only ids). The extension shell calls this once during
 * activation, before registering its own fallback commands.
 */
import * as vscode from 'vscode';
import { isObligationId } from '../../shared/webviewMessages';
import { setErrorLog, withErrorHandling } from '../webview/errors';
import { webviewOptions } from '../webview/panel';
import { CHECKLIST_VIEW_TYPE, ChecklistPanel, exportChecklist } from './checklist';
import type { PanelDeps } from './deps';
import { CARD_VIEW_TYPE, ObligationCardPanel, isCardState, openArticle } from './obligationCard';

export type { PanelDeps } from './deps';
export { CARD_VIEW_TYPE } from './obligationCard';
export { CHECKLIST_VIEW_TYPE } from './checklist';

/** The command ids this module registers. */
export const PANEL_COMMANDS = ['aireg.openObligation', 'aireg.openArticle', 'aireg.openChecklist', 'aireg.exportChecklist'] as const;

/**
 * Registers `aireg.openObligation` (arg: obligation id; an optional second argument, a finding
 * filter, is accepted and ignored: the card lists all findings of the obligation),
 * `aireg.openArticle` (arg: obligation id), `aireg.openChecklist`, `aireg.exportChecklist`, and
 * the serializers of `aireg.obligationCard` and `aireg.checklist`. Everything registered is added
 * to `context.subscriptions`.
 */
export function registerPanels(context: vscode.ExtensionContext, deps: PanelDeps): void {
  setErrorLog(deps.log);
  const command = (id: string, action: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, withErrorHandling(action, fn)));

  command('aireg.openObligation', 'Open obligation', (id?: unknown) => {
    if (!isObligationId(id)) throw new Error(vscode.l10n.t('"{0}" is not an obligation id.', String(id)));
    ObligationCardPanel.show(context, deps, id);
  });
  command('aireg.openArticle', 'Open article', async (id?: unknown) => {
    if (!isObligationId(id)) throw new Error(vscode.l10n.t('"{0}" is not an obligation id.', String(id)));
    await openArticle(id);
  });
  command('aireg.openChecklist', 'Open checklist', () => ChecklistPanel.show(context, deps));
  command('aireg.exportChecklist', 'Export checklist', () => exportChecklist(deps));

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(CARD_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state: unknown) {
        // The state is what the page stored: only {id}. Anything else closes the panel.
        if (!isCardState(state)) {
          panel.dispose();
          return;
        }
        panel.webview.options = webviewOptions(context.extensionUri);
        ObligationCardPanel.restore(panel, context, deps, state.id);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(CHECKLIST_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        panel.webview.options = webviewOptions(context.extensionUri);
        ChecklistPanel.restore(panel, context, deps);
      },
    }),
  );

  const refresh = () => {
    ObligationCardPanel.refreshAll();
    ChecklistPanel.refreshCurrent();
  };
  if (deps.onDidChangeFindings) context.subscriptions.push(deps.onDidChangeFindings(refresh));
  if (deps.onDidChangeLanguage) context.subscriptions.push(deps.onDidChangeLanguage(refresh));
}
