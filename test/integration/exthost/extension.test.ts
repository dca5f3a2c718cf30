/**
 * API-level behaviour of the installed extension in the real extension host: the commands it registers,
 * the diagnostics it publishes for the fixture files (source, code and target, range, severity), the edits
 * its code actions make, and the webview panels its commands open.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The repository (this bundle runs from out/integration/exthost), for the parse check's child process. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Parses a saved workspace file and runs the engine on it, outside the editor under test. */
function checkFile(root: string, rel: string): Promise<{ parses: boolean; findings: { ruleId: string; line: number }[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'integration', 'lib', 'checkFile.ts'), root, rel], { cwd: REPO_ROOT, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`checkFile failed: ${err.message} ${stderr}`));
      else resolve(JSON.parse(stdout) as { parses: boolean; findings: { ruleId: string; line: number }[] });
    });
  });
}

/** Files shaped like real code for each quick fix; the workspace's .aireg.json declares the checks. */
const FIX_CASES: { file: string; rule: string; text: string; expect: 'cleared' | 'kept'; inserted: RegExp }[] = [
  {
    // A copy of chat.ts (single quotes), so later tests keep the original.
    file: 'chat-fix.ts',
    rule: 'aigc-missing-label',
    text: '',
    expect: 'cleared',
    inserted: /res\.json\(\{ reply: '\[AI 生成 \/ AI-generated\] ' \+ reply \}\)/,
  },
  {
    file: 'narrate.py',
    rule: 'biometric-no-consent',
    text: [
      'from fastapi import FastAPI, HTTPException',
      'from TTS.api import TTS',
      '',
      'from .consent import requireFaceConsent, voice_release_on_file',
      '',
      'app = FastAPI()',
      'xtts = TTS("tts_models/multilingual/multi-dataset/xtts_v2")',
      '',
      '',
      '@app.post("/narrate")',
      'def narrate(author_id: str, chapter: str, reference_wav: str):',
      '    out = f"/srv/audio/{author_id}.wav"',
      '    xtts.tts_to_file(text=chapter, speaker_wav=reference_wav, language="zh-cn", file_path=out)',
      '    return {"audio": out}',
      '',
    ].join('\n'),
    expect: 'cleared',
    inserted: /if not voice_release_on_file\(author_id\):\n {8}raise HTTPException\(status_code=403/,
  },
  {
    file: 'recs.ts',
    rule: 'rec-no-opt-out',
    text: [
      "import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';",
      "import { isPersonalizationEnabled } from './prefs';",
      '',
      "const client = new PersonalizeRuntimeClient({ region: 'cn-north-1' });",
      '',
      'export async function recommend(userId: string) {',
      "  const out = await client.send(new GetRecommendationsCommand({ campaignArn: 'arn', userId }));",
      '  return out.itemList ?? [];',
      '}',
      '',
    ].join('\n'),
    expect: 'cleared',
    inserted: /if \(!\(await isPersonalizationEnabled\(userId\)\)\) \{\n {4}return \[\];/,
  },
  {
    file: 'clone.py',
    rule: 'biometric-no-consent',
    text: [
      'from TTS.api import TTS',
      '',
      'xtts = TTS("tts_models/multilingual/multi-dataset/xtts_v2")',
      '',
      '',
      'def clone(chapter, reference_wav):',
      '    xtts.tts_to_file(text=chapter, speaker_wav=reference_wav, language="en", file_path="out.wav")',
      '',
    ].join('\n'),
    expect: 'kept',
    inserted: /# TODO\(aireg\): check the separate consent of the person whose voice is cloned/,
  },
];

/** Command ids the extension promises (docs/interfaces). */
const COMMANDS = [
  'aireg.scanWorkspace',
  'aireg.lookupObligation',
  'aireg.openObligation',
  'aireg.openChecklist',
  'aireg.exportChecklist',
  'aireg.openArticle',
  'aireg.restartServer',
  'aireg.showOutput',
  'aireg.suppressFinding',
];

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return folder.uri;
}

/** Lines (0-based) marked `expect: <rule>` in a fixture file: the fixture convention of the rule tests. */
function expectedLines(doc: vscode.TextDocument, ruleId: string): number[] {
  const lines: number[] = [];
  for (let i = 0; i < doc.lineCount; i++) {
    if (new RegExp(`expect: ${ruleId}(\\s|$)`).test(doc.lineAt(i).text)) lines.push(i);
  }
  return lines;
}

function airegDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'aireg');
}

function codeValue(d: vscode.Diagnostic): string | undefined {
  if (d.code === undefined) return undefined;
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Resolves once `pred` holds for the file's aireg diagnostics (event-driven, with a deadline). */
function waitForDiagnostics(uri: vscode.Uri, pred: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 45_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ds = airegDiagnostics(uri);
      if (pred(ds)) {
        sub.dispose();
        clearTimeout(timer);
        resolve(ds);
        return true;
      }
      return false;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      const ds = airegDiagnostics(uri);
      reject(new Error(`diagnostics for ${uri.path} did not reach the expected state in ${timeoutMs} ms; have: ${ds.map((d) => `${codeValue(d)}@${d.range.start.line}`).join(', ') || 'none'}`));
    }, timeoutMs);
    check();
  });
}

/** Process ids of running aireg language servers (this extension's dist/server.js), read from /proc. */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // The process ended while we looked.
    }
    if (/aireg[^\0]*[\\/]dist[\\/]server\.js/.test(cmdline)) pids.push(Number(entry));
  }
  return pids;
}

/** Polls a condition that no event announces (a process appearing), with a deadline. */
async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once a webview tab of the given view type is open. */
async function waitForWebviewTab(viewType: string, timeoutMs = 30_000): Promise<vscode.Tab> {
  const find = (): vscode.Tab | undefined =>
    vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
  const now = find();
  if (now) return now;
  return new Promise((resolve, reject) => {
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      const t = find();
      if (t) {
        sub.dispose();
        clearTimeout(timer);
        resolve(t);
      }
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${viewType} webview tab within ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

describe('aireg in the real extension host', function () {
  let root: vscode.Uri;

  before(async function () {
    root = workspaceRoot();
    const ext = vscode.extensions.all.find((e) => e.id.toLowerCase() === 'aireg.aireg');
    assert.ok(ext, 'the aireg extension is loaded');
    await ext.activate();
  });

  afterEach(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers every promised command', async function () {
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((c) => !all.has(c));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  for (const file of ['app.py', 'chat.ts']) {
    it(`publishes diagnostics for ${file} with source, rule code, obligation target, range and severity`, async function () {
      const uri = vscode.Uri.joinPath(root, file);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const labelLines = expectedLines(doc, 'aigc-missing-label');
      const callLines = expectedLines(doc, 'aigc-generation-call');
      assert.ok(labelLines.length === 1 && callLines.length === 1, 'fixture marks one call and one output');
      const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === 'aigc-missing-label') && d.some((x) => codeValue(x) === 'aigc-generation-call'));
      const missing = ds.filter((d) => codeValue(d) === 'aigc-missing-label');
      assert.equal(missing.length, 1, 'one unlabeled output');
      const m = missing[0]!;
      assert.equal(m.range.start.line, labelLines[0], 'the missing-label diagnostic sits on the line where content leaves');
      assert.equal(m.severity, vscode.DiagnosticSeverity.Warning, 'aigc-missing-label defaults to warning');
      assert.ok(typeof m.code === 'object' && m.code.target instanceof vscode.Uri, 'code has a target link');
      assert.ok(m.message.length > 10, 'message says what is wrong');
      const call = ds.find((d) => codeValue(d) === 'aigc-generation-call')!;
      assert.equal(call.range.start.line, callLines[0], 'the generation call diagnostic sits on the callee line');
      // An inventory entry, not a problem: a hint without a squiggle unless aireg.generationCallsAsHints is off.
      assert.equal(call.severity, vscode.DiagnosticSeverity.Hint, 'aigc-generation-call shows as a hint by default');
      assert.ok(call.range.end.line > call.range.start.line || call.range.end.character > call.range.start.character, 'non-empty range');
      const related = m.relatedInformation ?? [];
      assert.ok(related.some((r) => r.location.uri.toString() === uri.toString() && r.location.range.start.line === callLines[0]), 'related information points at the generation call');
    });
  }

  it('shows the generation call as info again when aireg.generationCallsAsHints is off', async function () {
    const uri = vscode.Uri.joinPath(root, 'chat.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === 'aigc-generation-call' && x.severity === vscode.DiagnosticSeverity.Hint));
    const config = vscode.workspace.getConfiguration('aireg');
    await config.update('generationCallsAsHints', false, vscode.ConfigurationTarget.Global);
    try {
      await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === 'aigc-generation-call' && x.severity === vscode.DiagnosticSeverity.Information));
    } finally {
      await config.update('generationCallsAsHints', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === 'aigc-generation-call' && x.severity === vscode.DiagnosticSeverity.Hint));
  });

  it('offers a preferred quick fix for an unlabeled output whose edit removes the diagnostic', async function () {
    const uri = vscode.Uri.joinPath(root, 'chat.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === 'aigc-missing-label'));
    const diag = ds.find((d) => codeValue(d) === 'aigc-missing-label')!;
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    const ours = actions.filter((a) => a.diagnostics?.some((d) => codeValue(d) === 'aigc-missing-label') || /aireg|label|AIGC|标识/i.test(a.title));
    assert.ok(ours.length >= 2, `several fixes offered; got: ${actions.map((a) => a.title).join(' | ')}`);
    // The suppression runs a command that inserts a snippet whose placeholder is the reason.
    const suppress = ours.find((a) => a.command?.command === 'aireg.suppressFinding' && /aireg-disable-next-line aigc-missing-label --/.test(String((a.command.arguments?.[0] as { snippet?: string } | undefined)?.snippet)));
    assert.ok(suppress, `a suppression with a reason is offered; got: ${ours.map((a) => a.title).join(' | ')}`);
    const card = ours.find((a) => a.command?.command === 'aireg.openObligation');
    assert.ok(card, 'a "show obligation" action is offered');
    const preferred = ours.find((a) => a.isPreferred);
    assert.ok(preferred?.edit, `one fix is preferred and carries an edit; got: ${ours.map((a) => `${a.title}${a.isPreferred ? ' (preferred)' : ''}`).join(' | ')}`);
    assert.ok(!preferred.edit.get(uri).some((e) => /aireg-disable/.test(e.newText)), 'the preferred fix is not a suppression');
    assert.ok(await vscode.workspace.applyEdit(preferred.edit), 'the edit applies');
    await waitForDiagnostics(uri, (d) => !d.some((x) => codeValue(x) === 'aigc-missing-label'));
    assert.ok(doc.isDirty, 'the fix edited the document');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  for (const c of FIX_CASES) {
    it(`applies the ${c.rule} fix in ${c.file}: the file parses and the finding is ${c.expect}`, async function () {
      const file = path.join(root.fsPath, c.file);
      fs.writeFileSync(file, c.text || fs.readFileSync(path.join(root.fsPath, 'chat.ts'), 'utf8'));
      const uri = vscode.Uri.file(file);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === c.rule));
      const diag = ds.find((d) => codeValue(d) === c.rule)!;
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
      // Other rules' findings can share the line (a voice clone is also unlabeled output): take this rule's fix.
      const kind = c.rule === 'aigc-missing-label' ? 'label' : 'guard';
      const fix = actions.find((a) => a.edit && new RegExp(`^quickfix\\.aireg\\.${kind}`).test(a.kind?.value ?? ''));
      assert.ok(fix?.edit, `a rule fix is offered; got: ${actions.map((a) => a.title).join(' | ')}`);
      assert.ok(!/\b(?:cn|eu)-[a-z0-9-]+\b/.test(fix.title), `the fix title names the obligation, not its id: ${fix.title}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit applies');
      assert.match(doc.getText(), c.inserted);
      assert.ok(await doc.save(), 'saved');
      const checked = await checkFile(root.fsPath, c.file);
      assert.ok(checked.parses, `the fixed file parses:\n${doc.getText()}`);
      const still = checked.findings.some((f) => f.ruleId === c.rule);
      assert.equal(still, c.expect === 'kept', `the engine ${c.expect === 'kept' ? 'keeps' : 'clears'} the finding: ${JSON.stringify(checked.findings)}`);
      // The editor agrees: the diagnostic is gone, or it stays one line lower under the TODO.
      if (c.expect === 'cleared') await waitForDiagnostics(uri, (d) => !d.some((x) => codeValue(x) === c.rule));
      else await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === c.rule && x.range.start.line === diag.range.start.line + 1));
    });
  }

  it('restarts the language server after it is killed, and the new server analyses edits', async function () {
    const uri = vscode.Uri.joinPath(root, 'chat.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const before = await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === 'aigc-missing-label'));
    const line = before.find((d) => codeValue(d) === 'aigc-missing-label')!.range.start.line;
    const [pid] = await until(() => (serverPids().length ? serverPids() : undefined), 'a running aireg server');
    process.kill(pid!, 'SIGKILL');
    // The client's error handler starts a new server process; wait for it to exist.
    await until(() => serverPids().find((p) => p !== pid), 'a new aireg server process');
    // An edit above the output must move the finding: only a live, working server can do that.
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// restarted\n')), 'the edit applies');
    await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === 'aigc-missing-label' && x.range.start.line === line + 1));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('scans the small fixture workspace on activation: a file never opened has diagnostics', async function () {
    const uri = vscode.Uri.joinPath(root, 'hostile.ts');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'hostile.ts is not open');
    await waitForDiagnostics(uri, (d) => d.some((x) => codeValue(x) === 'aigc-missing-label'));
  });

  it('clears every aireg diagnostic when aireg.enable is false, and brings them back when it is true again', async function () {
    const hostile = vscode.Uri.joinPath(root, 'hostile.ts');
    await waitForDiagnostics(hostile, (d) => d.length > 0);
    const config = vscode.workspace.getConfiguration('aireg');
    await config.update('enable', false, vscode.ConfigurationTarget.Global);
    try {
      await waitForDiagnostics(hostile, (d) => d.length === 0);
      // The server clears each file with its own notification, so the others may follow this one
      // by a moment; they must all be cleared, and stay cleared.
      const left = (): string[] => vscode.languages.getDiagnostics().filter(([, ds]) => ds.some((d) => d.source === 'aireg')).map(([u]) => u.path);
      await until(() => (left().length === 0 ? true : undefined), 'every aireg diagnostic to be cleared', 15_000).catch(() => undefined);
      assert.deepEqual(left(), [], 'no aireg diagnostics anywhere');
      await new Promise((r) => setTimeout(r, 1_000));
      assert.deepEqual(left(), [], 'none published again while aireg is disabled');
    } finally {
      await config.update('enable', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(hostile, (d) => d.length > 0);
  });

  it('creates .aireg.json with the chosen roles and jurisdictions when there is none', async function () {
    const file = vscode.Uri.joinPath(root, '.aireg.json');
    const original = fs.readFileSync(file.fsPath);
    fs.rmSync(file.fsPath);
    try {
      await vscode.commands.executeCommand('aireg.createConfig', { roles: ['deployer'], jurisdictions: ['EU'] });
      const text = fs.readFileSync(file.fsPath, 'utf8');
      assert.match(text, /"roles": \["deployer"\]/);
      assert.match(text, /"jurisdictions": \["EU"\]/);
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file.fsPath, 'the new file is opened');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.writeFileSync(file.fsPath, original);
    }
  });

  it('opens the obligation card for an obligation id', async function () {
    await vscode.commands.executeCommand('aireg.openObligation', 'cn-label-explicit');
    const tab = await waitForWebviewTab('aireg.obligationCard');
    assert.ok(tab.label.length > 0, 'the card tab has a title');
  });

  it('opens the checklist panel', async function () {
    await vscode.commands.executeCommand('aireg.openChecklist');
    await waitForWebviewTab('aireg.checklist');
  });
});
