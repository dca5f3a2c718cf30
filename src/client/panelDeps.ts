/**
 * Builds what the panels (obligation card, checklist) need from the language client: findings
 * by request, the display language, navigation to a finding, and an event when findings change.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PanelDeps } from './panels/deps';
import { AllFindingsRequest, FindingsByObligationRequest } from '../shared/protocol';

export function panelDeps(client: () => LanguageClient | undefined, onDidChangeFindings: vscode.Event<unknown>, log: vscode.LogOutputChannel): PanelDeps {
  const running = (): LanguageClient | undefined => {
    const c = client();
    return c?.isRunning() ? c : undefined;
  };
  return {
    async getFindings() {
      const c = running();
      if (!c) return undefined;
      const all = await c.sendRequest(AllFindingsRequest, {});
      // Without a finished workspace scan the list covers open files only: not evidence of absence.
      return all.workspaceScanned ? all.findings : undefined;
    },
    async getFindingsFor(id: string) {
      const c = running();
      if (!c) return undefined;
      const [all, mine] = await Promise.all([c.sendRequest(AllFindingsRequest, {}), c.sendRequest(FindingsByObligationRequest, { id })]);
      return all.workspaceScanned || mine.length > 0 ? mine : undefined;
    },
    getLanguage() {
      return vscode.env.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
    },
    async revealLocation(location, range) {
      let uri: vscode.Uri;
      if (/^[a-z][a-z0-9+.-]+:/i.test(location) && !/^[a-z]:[\\/]/i.test(location)) uri = vscode.Uri.parse(location);
      else if (path.isAbsolute(location)) uri = vscode.Uri.file(location);
      else {
        const folder = vscode.workspace.workspaceFolders?.[0];
        if (!folder) return;
        uri = vscode.Uri.joinPath(folder.uri, location);
      }
      const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
      await vscode.window.showTextDocument(uri, { selection, preview: false });
    },
    onDidChangeFindings,
    log,
  };
}
