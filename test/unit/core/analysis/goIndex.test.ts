import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GoIndex, goFileFacts } from '../../../../src/core/analysis/goIndex';

/** Writes a small Go workspace and returns its root. */
function workspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-goindex-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const IFACE = 'package port\n\ntype Sender interface {\n\tEndpoint() string\n\tSend(body []byte) error\n}\n\ntype Empty interface{}\n';
const FULL = 'package full\n\ntype T struct{}\n\nfunc (t *T) Endpoint() string { return "https://api.openai.com/v1/chat/completions" }\n\nfunc (t *T) Send(b []byte) error { return nil }\n';
// Only half the method set: not an implementation, whatever its Send does.
const HALF = 'package half\n\ntype H struct{}\n\nfunc (h H) Send(b []byte) error { return nil }\n';

describe('GoIndex (the text index of Go declarations)', () => {
  it('reads functions, methods by receiver, interfaces and the values of a hinted file', () => {
    const f = goFileFacts('svc/a.go', 'package svc\n\nconst (\n\tchatURL = "https://api.openai.com/v1/chat/completions"\n\tretries = 3\n)\n\nvar Base = "x"\n\nfunc New() *C { return nil }\n\nfunc (c *C[T]) Ask(q T) {}\n\ntype Port interface {\n\tAsk(q string) (string, error)\n\tio.Closer\n}\n');
    assert.deepEqual(f.funcs.map((x) => x.name), ['New']);
    assert.deepEqual(f.methods.map((m) => `${m.type}.${m.name}`), ['C.Ask']);
    assert.deepEqual(f.interfaces, [{ name: 'Port', methods: ['Ask'] }]);
    assert.deepEqual(f.values.sort(), ['Base', 'chatURL', 'retries']);
    assert.equal(f.dir, 'svc');
  });

  it('finds implementations by method set, in other packages, and not a type that lacks a method', () => {
    const root = workspace({ 'go.mod': 'module ex.org/m\n', 'port/port.go': IFACE, 'full/t.go': FULL, 'half/h.go': HALF, 'vendor/v/v.go': FULL });
    try {
      const idx = new GoIndex(root);
      assert.deepEqual(idx.interfaceOf('port', 'Sender'), ['Endpoint', 'Send']);
      assert.deepEqual(idx.implementations('port', 'Sender', 'Send').map((d) => `${d.file} ${d.type!}`), ['full/t.go T']);
      assert.deepEqual(idx.implementations('port', 'Sender', 'Missing'), []);
      // An interface without methods is not indexed (everything would implement it).
      assert.equal(idx.interfaceOf('port', 'Empty'), undefined);
      // The interface's package reaches generation: a package naming an endpoint implements it.
      assert.ok(idx.reachesGeneration('port'));
      assert.ok(!idx.reachesGeneration('half'));
      // What the dispatch follows: packages that may generate, directly or through an interface.
      assert.ok(idx.mayGenerate('full') && idx.mayGenerate('port'));
      assert.ok(!idx.mayGenerate('half'));
      assert.ok(idx.methodMayGenerate('Endpoint') && !idx.methodMayGenerate('Missing'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('lets a package that imports a generating package generate, and not the other way', () => {
    const root = workspace({ 'go.mod': 'module ex.org/m\n', 'full/t.go': FULL, 'app/app.go': 'package app\n\nimport "ex.org/m/full"\n\nfunc Run() { (&full.T{}).Send(nil) }\n', 'half/h.go': HALF });
    try {
      const idx = new GoIndex(root);
      assert.ok(idx.mayGenerate('app'));
      assert.ok(!idx.mayGenerate('half'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads a factory\'s declared result type, and what a body calls and sends, without a parse', () => {
    const root = workspace({ 'go.mod': 'module ex.org/m\n', 'port/port.go': IFACE, 'full/t.go': FULL, 'app/pick.go': 'package app\n\nimport (\n\t"net/http"\n\n\t"ex.org/m/port"\n)\n\nfunc Pick(kind string) (port.Sender, error) {\n\treturn nil, nil\n}\n\nfunc Local() *Conf { return nil }\n\nfunc Ping() { _, _ = http.Post("http://localhost/health", "text/plain", nil) }\n\nfunc Idle() int { return 1 }\n' });
    try {
      const idx = new GoIndex(root);
      assert.deepEqual(idx.functions('app', 'Pick')[0]?.result, { dir: 'port', name: 'Sender' });
      assert.deepEqual(idx.functions('app', 'Local')[0]?.result, { dir: 'app', name: 'Conf' });
      assert.equal(idx.functions('app', 'Idle')[0]?.result, undefined);
      // A body that sends HTTP may generate with a URL from elsewhere; one that calls nothing may not.
      assert.ok(idx.declMayGenerate(idx.functions('app', 'Ping')[0]!, 0));
      assert.ok(!idx.declMayGenerate(idx.functions('app', 'Idle')[0]!, 3));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('updates one file when told it changed', () => {
    const root = workspace({ 'port/port.go': IFACE, 'half/h.go': HALF });
    try {
      const idx = new GoIndex(root);
      assert.deepEqual(idx.implementations('port', 'Sender', 'Send'), []);
      assert.ok(!idx.reachesGeneration('port'));
      fs.writeFileSync(path.join(root, 'half/h.go'), `${HALF}\nfunc (h H) Endpoint() string { return "https://api.openai.com/v1/chat/completions" }\n`);
      idx.invalidate('half/h.go');
      assert.deepEqual(idx.implementations('port', 'Sender', 'Send').map((d) => d.type), ['H']);
      assert.ok(idx.reachesGeneration('port'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
