/**
 * The bundled language server over its real protocol: diagnostics on open and after incremental
 * edits (compared with the engine run in this process), version checks, hovers, code actions,
 * configuration precedence, the custom requests and the workspace scan with progress and cancel.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  CodeActionRequest,
  type CodeAction,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  FileChangeType,
  HoverRequest,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { Engine } from '../../../src/core/engine';
import { getObligation } from '../../../src/core/kb';
import { ruleMeta } from '../../../src/core/ruleMeta';
import * as l10n from '@vscode/l10n';
import { defaultConfig } from '../../../src/core/config';
import { BACKGROUND_MIN_FILES } from '../../../src/server/aireg';
import { primaryObligation } from '../../../src/server/convert';
import { MAX_MESSAGE, shortMessage } from '../../../src/shared/findingText';
import { AllFindingsRequest, FindingsByObligationRequest, GetObligationRequest, ScanWorkspaceRequest, SearchObligationsRequest } from '../../../src/shared/protocol';
import { TestClient } from './lspClient';

const FIXTURES = path.resolve(__dirname, '../../fixtures/rules');
const METADATA_PY = fs.readFileSync(path.join(FIXTURES, 'aigc-invalid-label-metadata/metadata.py'), 'utf8');
const PERSONALIZE_TS = fs.readFileSync(path.join(FIXTURES, 'rec-no-opt-out/personalize.ts'), 'utf8');

function tempWorkspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-lsp-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const uriOf = (dir: string, rel: string): string => pathToFileURL(path.join(dir, rel)).href;
const aireg = (ds: Diagnostic[], rule?: string): Diagnostic[] => ds.filter((d) => d.source === 'aireg' && (!rule || d.code === rule));

async function engineFindings(file: string, text: string, config?: ConstructorParameters<typeof Engine>[1]) {
  const engine = new Engine(undefined, config);
  const r = await engine.analyze(file, text);
  return r.findings.filter((f) => !f.suppression);
}

describe('language server over LSP (dist/server.js)', function () {
  let client: TestClient;
  let dir: string;

  afterEach(async function () {
    await client?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('advertises incremental sync, hovers and aireg quick-fix kinds', async function () {
    dir = tempWorkspace({});
    client = new TestClient();
    const init = await client.initialize(dir);
    const sync = init.capabilities.textDocumentSync as { change: number; openClose: boolean };
    assert.equal(sync.change, 2, 'incremental sync');
    assert.equal(sync.openClose, true);
    assert.equal(init.capabilities.hoverProvider, true);
    const kinds = (init.capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    assert.ok(kinds.includes('quickfix.aireg.label') && kinds.includes('quickfix.aireg.suppress'), kinds.join(','));
  });

  it('publishes diagnostics on open that match the engine: source, code, code link, range, severity, version', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY });
    client = new TestClient();
    await client.initialize(dir);
    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    const pub = await client.diagnosticsFor(uri, (p) => p.version === 1);
    const expected = await engineFindings('metadata.py', METADATA_PY);
    assert.ok(expected.length >= 3, 'the fixture yields findings');
    const got = aireg(pub.diagnostics);
    assert.equal(got.length, expected.length, JSON.stringify(got.map((d) => [d.code, d.range.start.line])));
    for (const [i, f] of expected.entries()) {
      const d = got[i]!;
      assert.equal(d.code, f.ruleId);
      assert.equal(d.source, 'aireg');
      assert.deepEqual(d.range, { start: f.range.start, end: f.range.end });
      assert.equal(d.severity, f.severity === 'error' ? 1 : f.severity === 'warning' ? 2 : 3);
      // One line naming the article; the rule's full text is in the hover.
      assert.equal(d.message, shortMessage(f, primaryObligation(f, defaultConfig()), 'en', l10n.t));
      assert.ok(d.message.length <= MAX_MESSAGE && !d.message.includes('\n'), d.message);
      const href = d.codeDescription?.href ?? '';
      assert.match(href, /^command:aireg\.openObligation\?/);
      const args = JSON.parse(decodeURIComponent(href.slice(href.indexOf('?') + 1))) as [string, { ruleId: string; fingerprint: string }];
      assert.ok(f.obligations.includes(args[0]), `${args[0]} is one of ${f.obligations.join(', ')}`);
      assert.deepEqual(args[1], { ruleId: f.ruleId, fingerprint: f.fingerprint });
      assert.equal((d.data as { fingerprint: string }).fingerprint, f.fingerprint);
    }
    // Line 11 (0-based 10) misspells "Label": the first finding is there.
    assert.equal(got[0]!.range.start.line, 10);
  });

  it('re-publishes after an incremental edit with the new version, matching a fresh analysis of the new text', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY });
    client = new TestClient();
    await client.initialize(dir);
    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    await client.diagnosticsFor(uri, (p) => p.version === 1);
    // Fix the misspelt key ("label" -> "Label") and insert two comment lines at the top, as two changes of one event.
    const lines = METADATA_PY.split('\n');
    const col = lines[10]!.indexOf('"label"') + 1;
    assert.ok(col > 0);
    const since = client.diagnostics.length;
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 10, character: col }, end: { line: 10, character: col + 1 } }, text: 'L' },
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# 注释 one\n# two\n' },
      ],
    });
    const pub = await client.diagnosticsFor(uri, (p) => p.version === 2, since);
    lines[10] = lines[10]!.slice(0, col) + 'L' + lines[10]!.slice(col + 1);
    const newText = '# 注释 one\n# two\n' + lines.join('\n');
    const expected = await engineFindings('metadata.py', newText);
    const got = aireg(pub.diagnostics);
    assert.deepEqual(got.map((d) => [d.code, d.range]), expected.map((f) => [f.ruleId, { start: f.range.start, end: f.range.end }]));
    assert.ok(!got.some((d) => d.range.start.line === 12 && (d.data as { facts?: { problem?: string } }).facts?.problem === 'misspelt'), 'the fixed key is no longer reported');
  });

  it('links the project files an open file imports, and forgets one when it changes on disk', async function () {
    // The URL lives in another file: file-local analysis cannot see that this fetch reaches a provider.
    const CLIENT_TS = 'import { CHAT_URL } from "./config/endpoints";\n\nexport async function ask(body: string) {\n  return fetch(CHAT_URL, { method: "POST", body });\n}\n';
    dir = tempWorkspace({ 'client.ts': CLIENT_TS, 'config/endpoints.ts': 'export const CHAT_URL = "https://api.openai.com/v1/chat/completions";\n' });
    client = new TestClient();
    await client.initialize(dir);
    const uri = uriOf(dir, 'client.ts');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: CLIENT_TS } });
    const first = await client.diagnosticsFor(uri, (p) => p.version === 1);
    const gen = aireg(first.diagnostics).filter((d) => d.code === 'aigc-generation-call');
    assert.deepEqual(gen.map((d) => d.range.start.line), [3], JSON.stringify(first.diagnostics));
    // The endpoint moves to an internal service; the editor tells the server the file changed.
    fs.writeFileSync(path.join(dir, 'config/endpoints.ts'), 'export const CHAT_URL = "https://search.internal.example/v1/query";\n');
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(dir, 'config/endpoints.ts'), type: FileChangeType.Changed }] });
    const since = client.diagnostics.length;
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: '\n' }] });
    const second = await client.diagnosticsFor(uri, (p) => p.version === 2, since);
    assert.deepEqual(aireg(second.diagnostics).filter((d) => d.code === 'aigc-generation-call'), [], 'the changed constant is read again');
  });

  it('never publishes a stale version when edits arrive faster than the debounce', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY });
    client = new TestClient();
    await client.initialize(dir);
    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    await client.diagnosticsFor(uri, (p) => p.version === 1);
    const since = client.diagnostics.length;
    let text = METADATA_PY;
    // Type "x = 1\n" one keystroke at a time at the top of the file. The seven notifications go in
    // one write: sent one by one, a loaded machine can leave a gap longer than the debounce
    // between two of them, and then the earlier version was the current one when it was
    // published, which is correct and not what this test is about.
    const burst: { method: string; params: unknown }[] = [];
    for (let v = 2; v <= 8; v++) {
      const ch = 'x = 1\n'[v - 2] ?? '\n';
      text = ch + text;
      burst.push({ method: DidChangeTextDocumentNotification.method, params: { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ch }] } });
    }
    await client.notifyBurst(burst);
    const last = await client.diagnosticsFor(uri, (p) => p.version === 8, since);
    const after = client.diagnostics.slice(since).filter((p) => p.uri === uri);
    assert.deepEqual(after.map((p) => p.version), [8], 'only the latest version is published');
    const expected = await engineFindings('metadata.py', text);
    assert.deepEqual(aireg(last.diagnostics).map((d) => d.range.start.line), expected.map((f) => f.range.start.line));
  });

  it('answers hovers with the obligations behind a finding, linked to their cards', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY });
    client = new TestClient();
    await client.initialize(dir);
    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    const pub = await client.diagnosticsFor(uri, (p) => p.version === 1);
    const d = aireg(pub.diagnostics)[0]!;
    const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: d.range.start });
    assert.ok(hover, 'a hover at the finding');
    const md = (hover.contents as MarkupContent).value;
    const oblId = (d.data as { obligations: string[] }).obligations[0]!;
    assert.ok(md.includes(`command:aireg.openObligation?${encodeURIComponent(JSON.stringify([oblId]).slice(0, -1))}`), md);
    const title = getObligation(oblId)!.title.en;
    assert.ok(md.replace(/\\/g, '').includes(title), `hover names "${title}": ${md}`);
    const none = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(none, null, 'no hover away from findings');
  });

  it('localizes hovers from the bundle and the knowledge base when the display language is Chinese', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY });
    client = new TestClient();
    const bundle = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../l10n/bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    await client.initialize(dir, { locale: 'zh-cn', l10nBundle: bundle });
    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    const pub = await client.diagnosticsFor(uri, (p) => p.version === 1);
    const d = aireg(pub.diagnostics)[0]!;
    const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: d.range.start });
    const md = (hover!.contents as MarkupContent).value.replace(/\\/g, '');
    const oblId = (d.data as { obligations: string[] }).obligations[0]!;
    assert.ok(md.includes(getObligation(oblId)!.title.zh), md);
    assert.ok(md.includes(bundle['Look up another obligation']!), md);
    // The reasoning line is Chinese too: the rule's description in Chinese, not its English message.
    const why = md.split('\n').find((l) => l.startsWith(bundle['Why:']!));
    assert.ok(why, md);
    assert.ok(why.includes(ruleMeta(String(d.code))!.description.zh), why);
    assert.ok(!/[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}/.test(why.replace(/GB 45438|AIGC|[A-Za-z]+\.\w+|`[^`]*`/g, '')), `no English sentence in: ${why}`);
  });

  it('offers the rule fix, the card, the article and the suppression last, with language-specific text', async function () {
    dir = tempWorkspace({ 'personalize.ts': PERSONALIZE_TS, 'chat.py': 'def chat():\n    answer = llm()\n    return answer\n' });
    client = new TestClient();
    await client.initialize(dir);
    const uri = uriOf(dir, 'personalize.ts');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: PERSONALIZE_TS } });
    const pub = await client.diagnosticsFor(uri, (p) => p.version === 1 && aireg(p.diagnostics, 'rec-no-opt-out').length > 0);
    const d = aireg(pub.diagnostics, 'rec-no-opt-out')[0]!;
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.kind), ['quickfix.aireg.guard', 'quickfix.aireg.openCard', 'quickfix.aireg.openArticle', 'quickfix.aireg.suppress']);
    const guard = actions[0]!.edit!.changes![uri]![0]!;
    // Express handlers have no user parameter to check: the fix is a TODO that keeps the finding.
    assert.match(guard.newText, /^ {2}\/\/ TODO\(aireg\): check the user's opt-out of personalised recommendation here/);
    assert.deepEqual(guard.range.start, { line: d.range.start.line, character: 0 });
    const card = actions[1]!.command!;
    assert.equal(card.command, 'aireg.openObligation');
    assert.equal(card.arguments![0], (d.data as { primaryObligation: string }).primaryObligation);
    assert.equal(actions[2]!.command!.command, 'aireg.openArticle');
    const sup = actions[3]!.command!;
    assert.equal(sup.command, 'aireg.suppressFinding');
    assert.deepEqual(sup.arguments![0], { uri, line: d.range.start.line, snippet: '  // aireg-disable-next-line rec-no-opt-out -- ${1:reason}\n' });
    // Only the suppression when the client asks for that kind.
    const only = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix.aireg.suppress'] } })) as CodeAction[];
    assert.deepEqual(only.map((a) => a.kind), ['quickfix.aireg.suppress']);

    // A missing-label diagnostic the server did not produce for this version gets no label edit
    // (its offsets could be stale), but a TODO that keeps the finding and a Python suppression.
    const py = uriOf(dir, 'chat.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: py, languageId: 'python', version: 1, text: 'def chat():\n    answer = llm()\n    return answer\n' } });
    const missing: Diagnostic = {
      range: { start: { line: 2, character: 11 }, end: { line: 2, character: 17 } },
      source: 'aireg', code: 'aigc-missing-label', message: 'x',
      data: { ruleId: 'aigc-missing-label', fingerprint: 'f', obligations: ['cn-label-explicit'], primaryObligation: 'cn-label-explicit', generation: { provider: 'openai', modality: 'text', api: 'chat' } },
    };
    const labelActions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: py }, range: missing.range, context: { diagnostics: [missing] } })) as CodeAction[];
    assert.equal(labelActions.filter((a) => a.isPreferred).length, 0);
    const stub = labelActions.find((a) => a.kind === 'quickfix.aireg.label')!;
    assert.match(stub.edit!.changes![py]![0]!.newText, /^ {4}# TODO\(aireg\): show an explicit AI-generated label/);
    assert.ok(!labelActions.some((a) => /metadata/i.test(a.title)), 'no metadata stub on text output');
    assert.equal(labelActions.at(-1)!.kind, 'quickfix.aireg.suppress');
    assert.match((labelActions.at(-1)!.command!.arguments![0] as { snippet: string }).snippet, /^ {4}# aireg-disable-next-line aigc-missing-label -- \$\{1:reason\}\n$/);
  });

  for (const [file, languageId] of [['app.py', 'python'], ['chat.ts', 'typescript']] as const) {
    it(`on ${file}: generation call hover, related call site, and a preferred label fix that clears the finding`, async function () {
      const text = fs.readFileSync(path.resolve(__dirname, '../../fixtures/e2e-workspace', file), 'utf8');
      dir = tempWorkspace({ [file]: text });
      client = new TestClient();
      await client.initialize(dir);
      const uri = uriOf(dir, file);
      await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
      const pub = await client.diagnosticsFor(uri, (p) => p.version === 1);
      const expected = await engineFindings(file, text);
      const call = aireg(pub.diagnostics, 'aigc-generation-call')[0];
      const missing = aireg(pub.diagnostics, 'aigc-missing-label')[0];
      assert.ok(call && missing, `both findings are published: ${JSON.stringify(pub.diagnostics.map((d) => d.code))}`);
      assert.equal(call.severity, 4, 'the generation call is an inventory entry: a hint, no squiggle');
      assert.equal(missing.severity, 2);
      const engineCall = expected.find((f) => f.ruleId === 'aigc-generation-call')!;
      assert.deepEqual(missing.relatedInformation?.[0]?.location, { uri, range: { start: engineCall.range.start, end: engineCall.range.end } });

      // Hover on the generation call: provider, modality, api and the obligations for the default roles, linked.
      const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: call.range.start });
      const md = (hover!.contents as MarkupContent).value.replace(/\\/g, '');
      const gen = engineCall.generation!;
      assert.ok(md.includes(`Provider: ${gen.provider} · Modality: ${gen.modality} · API: ${gen.api}`), md);
      // No .aireg.json declares roles here: the hover says these are the defaults.
      assert.ok(md.includes('Obligations for the default roles (Service provider; China, EU)'), md);
      const missingHover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: missing.range.start });
      const mmd = (missingHover!.contents as MarkupContent).value.replace(/\\/g, '');
      const engineMissing = expected.find((f) => f.ruleId === 'aigc-missing-label')!;
      assert.ok(mmd.includes(`Why: ${engineMissing.message}`), `the hover carries the rule's reasoning: ${mmd}`);
      assert.match(mmd, /Fix: Quick Fix \(Ctrl\+\.\)/);
      assert.ok(!/\]\(command:[^)]*\) *,|\[(?:cn|eu)-[a-z0-9-]+\]/.test(mmd), `obligations are linked by title, never by raw id: ${mmd}`);
      const links = [...md.matchAll(/\(command:aireg\.openObligation\?([^ )]+)/g)].map((m) => (JSON.parse(decodeURIComponent(m[1]!)) as string[])[0]);
      assert.ok(links.length >= 2 && links.every((id) => engineCall.obligations.includes(id!)), JSON.stringify(links));

      // The preferred fix prepends the label to the generated value; applying it clears the finding.
      const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: missing.range, context: { diagnostics: [missing] } })) as CodeAction[];
      const preferred = actions.filter((a) => a.isPreferred);
      assert.equal(preferred.length, 1, actions.map((a) => a.title).join(' | '));
      const [edit] = preferred[0]!.edit!.changes![uri]!;
      // In the file's own quote style.
      const q = file.endsWith('.ts') ? "'" : '"';
      assert.ok(edit && edit.newText.includes(`${q}[AI 生成 / AI-generated] ${q} + `), edit?.newText);
      assert.equal(actions.at(-1)!.kind, 'quickfix.aireg.suppress');
      const since = client.diagnostics.length;
      await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ range: edit.range, text: edit.newText }] });
      const after = await client.diagnosticsFor(uri, (p) => p.version === 2, since);
      assert.equal(aireg(after.diagnostics, 'aigc-missing-label').length, 0, JSON.stringify(after.diagnostics.map((d) => [d.code, d.message])));
      assert.equal(aireg(after.diagnostics, 'aigc-generation-call').length, 1, 'the call itself is still inventoried');
    });
  }

  it('resolves severity rule default → .aireg.json → user setting, and reloads on change', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY, '.aireg.json': '{ "rules": { "aigc-invalid-label-metadata": "warning" } }' });
    client = new TestClient();
    await client.initialize(dir);
    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    const first = await client.diagnosticsFor(uri, (p) => aireg(p.diagnostics, 'aigc-invalid-label-metadata').length > 0);
    assert.ok(aireg(first.diagnostics, 'aigc-invalid-label-metadata').every((d) => d.severity === 2), '.aireg.json lowers error to warning');

    let since = client.diagnostics.length;
    client.settings = { rules: { 'aigc-invalid-label-metadata': 'info' } };
    await client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.diagnosticsFor(uri, (p) => aireg(p.diagnostics, 'aigc-invalid-label-metadata').length > 0 && aireg(p.diagnostics).every((d) => d.code !== 'aigc-invalid-label-metadata' || d.severity === 3), since, 'user setting wins (info)');

    since = client.diagnostics.length;
    client.settings = {};
    fs.writeFileSync(path.join(dir, '.aireg.json'), '{ "rules": { "aigc-invalid-label-metadata": "off" } }');
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(dir, '.aireg.json'), type: FileChangeType.Changed }] });
    await client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.diagnosticsFor(uri, (p) => aireg(p.diagnostics, 'aigc-invalid-label-metadata').length === 0, since, '.aireg.json switches the rule off');
  });

  it('honours aireg.run onSave and aireg.enable false', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY });
    client = new TestClient();
    client.settings = { run: 'onSave' };
    await client.initialize(dir);
    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    await client.diagnosticsFor(uri, (p) => p.version === 1);
    const since = client.diagnostics.length;
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }] });
    await client.conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    const saved = await client.diagnosticsFor(uri, (p) => p.version === 2, since);
    // One publish for the save; the edit alone published nothing.
    assert.equal(client.diagnostics.slice(since).filter((p) => p.uri === uri).length, 1);
    assert.equal(aireg(saved.diagnostics)[0]!.range.start.line, 11, 'the findings moved down one line');

    const before = client.diagnostics.length;
    client.settings = { enable: false };
    await client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.diagnosticsFor(uri, (p) => p.diagnostics.length === 0, before, 'diagnostics cleared when disabled');
    await client.waitFor<{ state: string }>('statuses', (st) => st.state === 'disabled', 'a disabled status');
  });

  it('shows generation calls as hints by default and as infos when aireg.generationCallsAsHints is off; the Findings request keeps them', async function () {
    const text = fs.readFileSync(path.resolve(__dirname, '../../fixtures/e2e-workspace/chat.ts'), 'utf8');
    dir = tempWorkspace({ 'chat.ts': text });
    client = new TestClient();
    await client.initialize(dir);
    const uri = uriOf(dir, 'chat.ts');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    const first = await client.diagnosticsFor(uri, (p) => aireg(p.diagnostics, 'aigc-generation-call').length > 0);
    assert.deepEqual(aireg(first.diagnostics, 'aigc-generation-call').map((d) => d.severity), [4]);
    const all = await client.conn.sendRequest(AllFindingsRequest, {});
    assert.ok(all.findings.some((f) => f.ruleId === 'aigc-generation-call' && f.severity === 'info'), 'the Findings view still lists the call as info');
    const since = client.diagnostics.length;
    client.settings = { generationCallsAsHints: false };
    await client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.diagnosticsFor(uri, (p) => aireg(p.diagnostics, 'aigc-generation-call').some((d) => d.severity === 3), since, 'the setting restores info');
  });

  it('in an untrusted workspace ignores .aireg.json severities that would hide findings', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY, '.aireg.json': '{ "rules": { "aigc-invalid-label-metadata": "off" } }' });
    client = new TestClient();
    await client.initialize(dir, { trusted: false });
    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    const pub = await client.diagnosticsFor(uri, (p) => p.version === 1);
    assert.ok(aireg(pub.diagnostics, 'aigc-invalid-label-metadata').length >= 3, 'still reported at the default severity');
    const status = await client.waitFor<{ restricted?: boolean; message?: string }>('statuses', (s) => !!s.restricted && !!s.message, 'a restricted status');
    assert.match(status.message!, /aigc-invalid-label-metadata/);
  });

  it('reports .aireg.json errors as diagnostics on the config file', async function () {
    dir = tempWorkspace({ '.aireg.json': '{\n  "roles": 5\n}\n' });
    client = new TestClient();
    await client.initialize(dir);
    const pub = await client.diagnosticsFor(uriOf(dir, '.aireg.json'), (p) => p.diagnostics.length > 0);
    assert.equal(pub.diagnostics[0]!.range.start.line, 1);
    assert.match(pub.diagnostics[0]!.message, /roles/);
  });

  it('serves the obligation requests: search in both languages and by article, get, findings', async function () {
    dir = tempWorkspace({ 'metadata.py': METADATA_PY });
    client = new TestClient();
    await client.initialize(dir);
    const byId = await client.conn.sendRequest(SearchObligationsRequest, { query: 'cn-ar-opt-out' });
    assert.equal(byId[0]!.id, 'cn-ar-opt-out');
    const zh = await client.conn.sendRequest(SearchObligationsRequest, { query: '标识' });
    assert.ok(zh.length > 0 && zh.some((o) => o.id.startsWith('cn-label')), JSON.stringify(zh.map((o) => o.id)));
    const gb = await client.conn.sendRequest(SearchObligationsRequest, { query: 'GB 45438' });
    assert.ok(gb.some((o) => o.id === 'cn-label-implicit'), JSON.stringify(gb.map((o) => o.id)));
    const all = await client.conn.sendRequest(SearchObligationsRequest, { query: '' });
    assert.ok(all.length >= 14);
    const got = await client.conn.sendRequest(GetObligationRequest, { id: 'cn-label-explicit' });
    assert.equal((got.obligation as { id: string }).id, 'cn-label-explicit');
    assert.ok(got.instruments.length > 0 && got.docUrl?.endsWith('#cn-label-explicit'));
    const unknown = await client.conn.sendRequest(GetObligationRequest, { id: 'nope' });
    assert.equal(unknown.obligation, undefined);

    const uri = uriOf(dir, 'metadata.py');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: METADATA_PY } });
    await client.diagnosticsFor(uri, (p) => p.version === 1);
    const findings = await client.conn.sendRequest(AllFindingsRequest, {});
    assert.ok(findings.findings.length >= 3 && findings.findings.every((f) => f.uri === uri && f.file === 'metadata.py'));
    const forCard = await client.conn.sendRequest(FindingsByObligationRequest, { id: 'cn-label-implicit' });
    assert.equal(forCard.length, findings.findings.filter((f) => f.obligations.includes('cn-label-implicit')).length);
    assert.ok(forCard.length > 0);
    // Closing keeps the findings of the saved file; closing an unsaved document clears them.
    const beforeClose = client.diagnostics.length;
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    const kept = await client.diagnosticsFor(uri, (p) => p.version === undefined, beforeClose, 'diagnostics of the saved file after close');
    assert.equal(aireg(kept.diagnostics).length, findings.findings.filter((f) => !f.suppressed).length);
    const untitled = 'untitled:Untitled-1';
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: untitled, languageId: 'python', version: 1, text: METADATA_PY } });
    await client.diagnosticsFor(untitled, (p) => p.version === 1 && p.diagnostics.length > 0);
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: untitled } });
    await client.diagnosticsFor(untitled, (p) => p.diagnostics.length === 0);
  });

  it('scans the workspace with progress, publishing every file, and honours .gitignore', async function () {
    dir = tempWorkspace({
      'src/metadata.py': METADATA_PY,
      'src/personalize.ts': PERSONALIZE_TS,
      'ignored/metadata.py': METADATA_PY,
      '.gitignore': 'ignored/\n',
    });
    client = new TestClient();
    await client.initialize(dir);
    const result = await client.conn.sendRequest(ScanWorkspaceRequest, { workDoneToken: 'scan-1' });
    assert.equal(result.cancelled, false);
    assert.equal(result.files, 2);
    const py = client.diagnostics.find((p) => p.uri === uriOf(dir, 'src/metadata.py'));
    const ts = client.diagnostics.find((p) => p.uri === uriOf(dir, 'src/personalize.ts'));
    assert.ok(py && aireg(py.diagnostics).length >= 3);
    assert.ok(ts && aireg(ts.diagnostics, 'rec-no-opt-out').length > 0);
    assert.ok(!client.diagnostics.some((p) => p.uri.includes('/ignored/')));
    assert.equal(result.findings, py.diagnostics.length + ts.diagnostics.length);
    const kinds = client.progress.filter((p) => p.token === 'scan-1').map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    const status = await client.waitFor<{ counts: { error: number; warning: number; info: number }; state: string }>('statuses', (s) => s.state === 'ready' && s.counts.error + s.counts.warning + s.counts.info === result.findings, 'status counts after the scan');
    assert.ok(status.counts.error >= 3);
  });

  it('scans a workspace of many files on worker threads with the findings of an analysis here, imports linked', async function () {
    // A provider layer: the endpoint lives in another file, so only a linked import finds the call.
    const files: Record<string, string> = {
      'app/constant.ts': "export const OPENAI_BASE_URL = 'https://api.openai.com';\nexport enum OpenaiPath {\n  ChatPath = 'v1/chat/completions',\n}\n",
      'app/client.ts': [
        "import { OPENAI_BASE_URL, OpenaiPath } from './constant';",
        '',
        'export async function chat(messages: unknown[]): Promise<string> {',
        "  const res = await fetch(`${OPENAI_BASE_URL}/${OpenaiPath.ChatPath}`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages }) });",
        '  const data = await res.json();',
        '  return data.choices[0].message.content;',
        '}',
        '',
      ].join('\n'),
      'src/personalize.ts': PERSONALIZE_TS,
    };
    for (let i = 0; i < BACKGROUND_MIN_FILES; i++) files[`ml/m${i}.py`] = i % 5 === 0 ? METADATA_PY : `def f${i}(x):\n    return x + ${i}\n`;
    dir = tempWorkspace(files);
    client = new TestClient();
    await client.initialize(dir);
    const result = await client.conn.sendRequest(ScanWorkspaceRequest, {});
    assert.equal(result.cancelled, false);
    assert.equal(result.files, Object.keys(files).length);
    const all = await client.conn.sendRequest(AllFindingsRequest, {});
    const show = (file: string, ruleId: string, line: number): string => `${file} ${ruleId} ${line}`;
    const got = all.findings.map((f) => show(f.file, f.ruleId, f.range.start.line)).sort();
    const engine = new Engine();
    const expected: string[] = [];
    try {
      for (const [rel, text] of Object.entries(files)) {
        const r = await engine.analyze(rel, text, { root: dir });
        expected.push(...r.findings.map((f) => show(rel, f.ruleId, f.range.start.line)));
      }
    } finally {
      await engine.host.dispose();
    }
    assert.deepEqual(got, expected.sort());
    assert.ok(got.includes(show('app/client.ts', 'aigc-generation-call', 3)), 'the endpoint from app/constant.ts is linked');
    assert.ok(got.some((f) => f.startsWith('ml/m0.py ')) && got.some((f) => f.startsWith('src/personalize.ts rec-no-opt-out')));
  });

  it('treats differently encoded URIs of one file as one document (no duplicate findings)', async function () {
    const name = 'a=b c.py';
    dir = tempWorkspace({ [name]: METADATA_PY });
    client = new TestClient();
    await client.initialize(dir);
    await client.conn.sendRequest(ScanWorkspaceRequest, {});
    // VS Code spells `=` as %3D; Node's pathToFileURL leaves it.
    const vscodeUri = uriOf(dir, name).replace(/=/g, '%3D');
    assert.notEqual(vscodeUri, uriOf(dir, name));
    const since = client.diagnostics.length;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: vscodeUri, languageId: 'python', version: 1, text: METADATA_PY } });
    await client.diagnosticsFor(uriOf(dir, name), (p) => p.version === 1, since);
    const all = await client.conn.sendRequest(AllFindingsRequest, {});
    const expected = await engineFindings(name, METADATA_PY);
    assert.equal(all.findings.length, expected.length, JSON.stringify(all.findings.map((f) => f.uri)));
  });

  it('stops a workspace scan when the request is cancelled', async function () {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`f${i}.py`] = METADATA_PY;
    dir = tempWorkspace(files);
    client = new TestClient();
    await client.initialize(dir);
    const cts = new CancellationTokenSource();
    const pending = client.conn.sendRequest(ScanWorkspaceRequest, { workDoneToken: 'scan-2' }, cts.token);
    // Cancel once the server reports analysing progress, i.e. mid-scan.
    await client.waitFor<{ token: string; value: { kind: string; percentage?: number } }>('progress', (p) => p.token === 'scan-2' && p.value.kind === 'report' && (p.value.percentage ?? 0) > 0, 'scan progress', 30_000);
    cts.cancel();
    const result = await pending.catch((e: unknown) => e);
    const published = new Set(client.diagnostics.map((p) => p.uri)).size;
    assert.ok(published < 400, `stopped before every file (${published} published)`);
    // The server either answers with cancelled: true or rejects with RequestCancelled; both are a stop.
    if (result && typeof result === 'object' && 'cancelled' in result) assert.equal((result as { cancelled: boolean }).cancelled, true);
  });
});
