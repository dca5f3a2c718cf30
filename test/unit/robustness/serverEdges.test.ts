/**
 * Language-server edge cases of issue 14 over real LSP (dist/server.js): a malformed didChange
 * is not applied (and the incremental tree does not drift), and closing a document whose file is
 * a FIFO does not make the server read it.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { Engine } from '../../../src/core/engine';
import { isWellFormedChange } from '../../../src/server/edits';
import { TestClient } from '../server/lspClient';
import { FINDING_SOURCE } from './hang';

describe('robustness: language server edge cases', function () {
  this.timeout(60_000);
  let client: TestClient | undefined;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-lsp-edge-'));
  });
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('recognises malformed content changes', () => {
    assert.equal(isWellFormedChange({ text: 'x' }), true);
    assert.equal(isWellFormedChange({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: 'x' }), true);
    assert.equal(isWellFormedChange({ range: { start: { line: null, character: null }, end: { line: 0, character: 1 } }, text: 'x' }), false);
    assert.equal(isWellFormedChange({ range: null, text: 'x' }), false);
    assert.equal(isWellFormedChange({ range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }), false);
    assert.equal(isWellFormedChange({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 5 }), false);
  });

  it('a didChange with null positions is not applied and later edits stay in step', async () => {
    const uri = pathToFileURL(path.join(dir, 'a.ts')).href;
    client = new TestClient();
    await client.initialize(dir);
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: FINDING_SOURCE } });
    await client.diagnosticsFor(uri, (p) => p.version === 1);
    const bad = { range: { start: { line: null, character: null }, end: { line: null, character: null } }, text: '/* junk */\n\n\n' };
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [bad as never] });
    const since = client.diagnostics.length;
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// a comment\n' }],
    });
    const pub = await client.diagnosticsFor(uri, (p) => p.version === 3, since);
    const expected = (await new Engine().analyze('a.ts', `// a comment\n${FINDING_SOURCE}`)).findings.filter((f) => !f.suppression);
    const got = pub.diagnostics.filter((d) => d.source === 'aireg');
    assert.deepEqual(got.map((d) => [d.code, d.range.start]), expected.map((f) => [f.ruleId, f.range.start]));
  });

  it('closing a document whose file is a FIFO clears it without reading the FIFO', async () => {
    const file = path.join(dir, 'pipe.py');
    execFileSync('mkfifo', [file]);
    const uri = pathToFileURL(file).href;
    client = new TestClient();
    await client.initialize(dir);
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: 'x = 1\n' } });
    await client.diagnosticsFor(uri, (p) => p.version === 1);
    const since = client.diagnostics.length;
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    const pub = await client.diagnosticsFor(uri, () => true, since);
    assert.deepEqual(pub.diagnostics, []);
  });
});
