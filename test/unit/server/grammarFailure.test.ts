/**
 * The server with a grammar that cannot load: that language is disabled with one warning, and
 * every other language keeps working. The broken grammar is a copy of the real grammar folder
 * whose Python wasm has been replaced by bytes that are not WebAssembly.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { TestClient } from './lspClient';

const GRAMMARS = path.resolve(__dirname, '../../../dist/grammars');

describe('language server with a grammar that fails to load', function () {
  this.timeout(60_000);
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-grammar-'));
    const grammars = path.join(dir, 'grammars');
    fs.cpSync(GRAMMARS, grammars, { recursive: true });
    fs.writeFileSync(path.join(grammars, 'tree-sitter-python.wasm'), 'this is not a wasm module');
    fs.mkdirSync(path.join(dir, 'ws'));
    client = new TestClient({ AIREG_GRAMMAR_DIR: grammars });
    await client.initialize(path.join(dir, 'ws'));
  });

  after(async () => {
    await client.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, languageId: string, text: string): Promise<string> {
    const uri = pathToFileURL(path.join(dir, 'ws', name)).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  it('warns once for Python, publishes nothing for it, and still analyses TypeScript', async () => {
    const py = 'from openai import OpenAI\nclient = OpenAI()\nr = client.chat.completions.create(model="m", messages=[])\n';
    const a = await open('a.py', 'python', py);
    await client.diagnosticsFor(a, (p) => p.diagnostics.length === 0);
    const b = await open('b.py', 'python', py);
    await client.diagnosticsFor(b, (p) => p.diagnostics.length === 0);
    const ts = "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const r = client.chat.completions.create({ model: 'm', messages: [] });\n";
    const c = await open('c.ts', 'typescript', ts);
    const d = await client.diagnosticsFor(c, (p) => p.diagnostics.some((x) => x.code === 'aigc-generation-call'));
    assert.equal(d.diagnostics.find((x) => x.code === 'aigc-generation-call')!.range.start.line, 2);
    const python = client.shownWarnings.filter((m) => /python grammar/i.test(m));
    assert.equal(python.length, 1, `one warning for the broken grammar; got ${JSON.stringify(client.shownWarnings)}`);
    assert.equal(client.proc.exitCode, null, 'the server is still running');
  });
});
