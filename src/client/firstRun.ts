/**
 * The first run in a workspace without `.aireg.json`: one notification that offers to create it
 * (roles and jurisdictions decide which obligations apply) or to scan the workspace, and the
 * "Create .aireg.json" command behind it. The offer is shown once per workspace unless the person
 * picks an answer; "Don't ask again" remembers that in the workspace state.
 */
import * as vscode from 'vscode';
import { ROLE_LABELS } from '../core/kb';
import { SETTING_ENUMS } from '../shared/settings';

const DISMISSED_KEY = 'aireg.configOffer.dismissed';

/** What `aireg.createConfig` writes when called with arguments (tests, walkthrough links). */
export interface CreateConfigArgs {
  roles: string[];
  jurisdictions: string[];
}

function isArgs(v: unknown): v is CreateConfigArgs {
  const a = v as Partial<CreateConfigArgs> | undefined;
  return !!a && Array.isArray(a.roles) && Array.isArray(a.jurisdictions);
}

function configUri(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, '.aireg.json') : undefined;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The file's text: roles and jurisdictions, with the schema for completion in the editor. */
export function configText(args: CreateConfigArgs): string {
  const lang = vscode.env.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  const roles = args.roles.filter((r) => SETTING_ENUMS.roles.includes(r));
  const jurisdictions = args.jurisdictions.filter((j) => SETTING_ENUMS.jurisdictions.includes(j));
  const roleNote = roles.map((r) => ROLE_LABELS[r as keyof typeof ROLE_LABELS]?.[lang] ?? r).join(', ');
  return [
    '{',
    `  // ${vscode.l10n.t('Your roles decide which obligations apply: {0}.', roleNote || '-')}`,
    `  "roles": ${JSON.stringify(roles)},`,
    `  "jurisdictions": ${JSON.stringify(jurisdictions)}`,
    '}',
    '',
  ].join('\n');
}

/** Asks for roles and jurisdictions (or takes them as arguments), writes `.aireg.json` and opens it. */
export async function createConfig(arg?: unknown): Promise<void> {
  const uri = configUri();
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('aireg: open a folder first; .aireg.json lives at its root.'));
    return;
  }
  if (!(await exists(uri))) {
    let args = isArgs(arg) ? arg : undefined;
    if (!args) {
      const lang = vscode.env.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
      const roles = await vscode.window.showQuickPick(
        SETTING_ENUMS.roles.map((r) => ({ label: ROLE_LABELS[r as keyof typeof ROLE_LABELS]?.[lang] ?? r, description: r, picked: r === 'service-provider' })),
        { canPickMany: true, title: vscode.l10n.t('aireg: your roles') },
      );
      if (!roles) return;
      const places = await vscode.window.showQuickPick(
        SETTING_ENUMS.jurisdictions.map((j) => ({ label: j === 'CN' ? vscode.l10n.t('China') : vscode.l10n.t('European Union'), description: j, picked: true })),
        { canPickMany: true, title: vscode.l10n.t('aireg: jurisdictions to review against') },
      );
      if (!places) return;
      args = { roles: roles.map((r) => r.description), jurisdictions: places.map((p) => p.description) };
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(configText(args)));
  }
  await vscode.window.showTextDocument(uri, { preview: false });
}

/** Offers to create `.aireg.json` or to scan, once, when the workspace has none. */
export async function offerConfig(context: vscode.ExtensionContext): Promise<void> {
  const uri = configUri();
  if (!uri || context.workspaceState.get<boolean>(DISMISSED_KEY) || (await exists(uri))) return;
  const create = vscode.l10n.t('Create .aireg.json');
  const scan = vscode.l10n.t('Scan workspace');
  const never = vscode.l10n.t("Don't ask again");
  const pick = await vscode.window.showInformationMessage(
    vscode.l10n.t('aireg: this workspace has no .aireg.json. Declare your roles and jurisdictions so the right obligations apply (until then: service provider, China and EU).'),
    create,
    scan,
    never,
  );
  if (pick === create) await vscode.commands.executeCommand('aireg.createConfig');
  else if (pick === scan) await vscode.commands.executeCommand('aireg.scanWorkspace');
  if (pick) await context.workspaceState.update(DISMISSED_KEY, true);
}
