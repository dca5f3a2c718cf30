/**
 * The smaller items of issue 14: lone `\r` line ends, UTF-16 files, odd CLI arguments.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../../src/core/engine';
import { decodeText } from '../../../src/core/readFile';
import { checkResult } from './helpers';
import { FINDING_SOURCE, killRunning, runCli } from './hang';

describe('robustness: smaller items', function () {
  this.timeout(60_000);
  const engine = new Engine();
  after(() => engine.host.dispose());
  afterEach(killRunning);

  it('positions in a file with lone \\r line ends are the editor\'s lines', async () => {
    const text = `// header\r\r${FINDING_SOURCE.replace(/\n/g, '\r')}`;
    const r = await engine.analyze('cr.ts', text);
    assert.ok(r.findings.length > 0, 'the fixture has findings');
    checkResult('cr.ts', text, r);
    const lines = text.split('\r');
    for (const f of r.findings) {
      const lineText = lines[f.range.start.line]!;
      assert.equal(lineText.slice(f.range.start.character, f.range.start.character + 3), text.slice(f.range.startOffset, f.range.startOffset + 3));
    }
  });

  it('a suppression comment works in a file with lone \\r line ends', async () => {
    const plain = await engine.analyze('a.ts', FINDING_SOURCE);
    const target = plain.findings[0]!;
    const lines = FINDING_SOURCE.split('\n');
    const indent = /^\s*/.exec(lines[target.range.start.line]!)![0];
    lines.splice(target.range.start.line, 0, `${indent}// aireg-disable-next-line ${target.ruleId} -- test`);
    const r = await engine.analyze('a.ts', lines.join('\r'));
    const same = r.findings.filter((f) => f.ruleId === target.ruleId && f.range.start.line === target.range.start.line + 1);
    assert.ok(same.length > 0 && same.every((f) => f.suppression), JSON.stringify(r.findings.map((f) => [f.ruleId, f.range.start, f.suppression?.reason])));
  });

  it('UTF-16 files with a byte-order mark are decoded (CLI) as the editor does', async () => {
    assert.equal(decodeText(Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x0a, 0x00])), 'a\n');
    assert.equal(decodeText(Buffer.from([0xfe, 0xff, 0x00, 0x61])), 'a');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-utf16-'));
    fs.writeFileSync(path.join(dir, 'le.ts'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(FINDING_SOURCE, 'utf16le')]));
    const r = await runCli(['scan', '.', '-f', 'json', '--no-progress', '--fail-on', 'none'], dir);
    const report = JSON.parse(r.stdout) as { findings: { file: string }[]; notices: { kind: string }[] };
    assert.ok(report.findings.some((f) => f.file === 'le.ts'), JSON.stringify(report.notices));
    assert.ok(!report.notices.some((n) => n.kind === 'binary'));
  });

  it('`-o ""` and `baseline --baseline` are usage errors, not silently something else', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-args-'));
    fs.writeFileSync(path.join(dir, 'a.ts'), FINDING_SOURCE);
    const empty = await runCli(['scan', '.', '-o', '', '--no-progress'], dir);
    assert.equal(empty.code, 2);
    assert.equal(empty.stdout, '', 'nothing is written to stdout instead');
    assert.match(empty.stderr, /--output needs a file name/);
    const base = await runCli(['baseline', '.', '--baseline', 'old.json', '--no-progress'], dir);
    assert.equal(base.code, 2);
    assert.match(base.stderr, /--baseline does not apply to `aireg baseline`/);
    assert.ok(!fs.existsSync(path.join(dir, '.aireg-baseline.json')), 'no baseline is written');
  });
});

