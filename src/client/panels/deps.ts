/**
 * What the panels need from the rest of the extension. The extension shell builds this from its
 * language client; the panels never talk to the server themselves.
 */
import type * as vscode from 'vscode';
import type { Lang, PanelFinding } from '../../shared/webviewMessages';

export interface PanelDeps {
  /**
   * Every finding of the latest workspace scan, or undefined when there is none yet (server not
   * running, no scan). The LSP finding summaries fit {@link PanelFinding} structurally.
   */
  getFindings(): Promise<readonly PanelFinding[] | undefined>;
  /** The findings that are evidence for one obligation (same contract as `getFindings`). */
  getFindingsFor(obligationId: string): Promise<readonly PanelFinding[] | undefined>;
  /** The display language of obligation text (from `aireg.language` or VS Code's UI language). */
  getLanguage(): Lang;
  /**
   * Opens a finding's document and selects `range`. `location` is the finding's `uri` when it has
   * one, else its `file` (workspace-relative or absolute path).
   */
  revealLocation(location: string, range: PanelFinding['range']): Promise<void>;
  /** Fires when new findings are available (after a scan or as files change); panels refresh. */
  onDidChangeFindings?: vscode.Event<unknown>;
  /** Fires when the display language setting changes. */
  onDidChangeLanguage?: vscode.Event<unknown>;
  /** Where panel errors and ignored messages are logged. */
  log?: vscode.LogOutputChannel;
}
