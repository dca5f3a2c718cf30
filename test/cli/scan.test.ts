import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFile, analyzeTasks } from '../../src/cli/analyzeFile';
import { failsOn, renderText, summarize, type ScanReport } from '../../src/cli/report';
import { analysisBatches, BATCH_CHARS, isSmallScan, plannedJobs, SMALL_SCAN_CHARS, WORKER_THRESHOLD } from '../../src/cli/scan';
import { Engine } from '../../src/core/engine';
import type { Finding } from '../../src/core/types';

describe('CLI scan planning and reporting (in process)', () => {
  it('plans one thread for small trees and all cores for large ones, unless --jobs says otherwise', () => {
    assert.equal(plannedJobs(WORKER_THRESHOLD - 1, undefined), 1);
    assert.equal(plannedJobs(5000, undefined), os.availableParallelism());
    assert.equal(plannedJobs(3, 8), 3, 'never more threads than files');
    assert.equal(plannedJobs(0, 4), 1);
    assert.equal(plannedJobs(500, 1), 1);
  });

  it('uses the baseline WebAssembly tier only when the files left to parse are small', () => {
    const task = (chars?: number): { path: string; relPath: string; chars?: number } => ({ path: '/x.py', relPath: 'x.py', ...(chars === undefined ? {} : { chars }) });
    assert.equal(isSmallScan([task(120)]), true, 'one small file');
    assert.equal(isSmallScan([]), false, 'nothing to parse: no flag to set');
    assert.equal(isSmallScan([task(SMALL_SCAN_CHARS / 2), task(SMALL_SCAN_CHARS / 2)]), false, 'the total counts');
    assert.equal(isSmallScan([task(10), task()]), false, 'a file of unknown size counts as large');
  });

  it('batches files by count and by size, the files larger than a batch first and largest first', () => {
    const t = (name: string, chars?: number): { path: string; relPath: string; chars?: number } => ({ path: name, relPath: name, ...(chars === undefined ? {} : { chars }) });
    const small = Array.from({ length: 20 }, (_, i) => t(`a/${String(i).padStart(2, '0')}.ts`, 100));
    const names = (bs: { relPath: string }[][]): string[][] => bs.map((b) => b.map((f) => f.relPath));
    // Twenty small files: sixteen, then four, in their order.
    assert.deepEqual(names(analysisBatches(small)), [small.slice(0, 16).map((f) => f.relPath), small.slice(16).map((f) => f.relPath)]);
    // The characters bound a batch too (a file of unknown size counts as none).
    const half = BATCH_CHARS / 2;
    assert.deepEqual(names(analysisBatches([t('b/1.ts', half), t('b/2.ts', half), t('b/3.ts', 1), t('b/4.ts')])), [['b/1.ts', 'b/2.ts'], ['b/3.ts', 'b/4.ts']]);
    // Two bundles in the middle of a folder: each alone, first, the larger one leading.
    const mixed = [t('c/1.ts', 10), t('c/big.js', BATCH_CHARS + 1), t('c/2.ts', 10), t('c/bigger.js', BATCH_CHARS * 4), t('c/3.ts', 10)];
    assert.deepEqual(names(analysisBatches(mixed)), [['c/bigger.js'], ['c/big.js'], ['c/1.ts', 'c/2.ts', 'c/3.ts']]);
  });

  it('turns an unreadable file into a read-error notice', async () => {
    const engine = new Engine();
    try {
      const missing = path.join(os.tmpdir(), `aireg-missing-${process.pid}.py`);
      const r = await analyzeFile(engine, { path: missing, relPath: 'gone.py' });
      assert.deepEqual(r.findings, []);
      assert.equal(r.notices[0]!.kind, 'read-error');
      assert.equal(r.notices[0]!.file, 'gone.py');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-dir-'));
      try {
        const asDir = await analyzeFile(engine, { path: dir, relPath: 'dir.py' });
        assert.match(asDir.notices[0]!.message, /not a regular file \(a folder\)/);
      } finally {
        fs.rmSync(dir, { recursive: true });
      }
    } finally {
      await engine.host.dispose();
    }
  });

  it('analyses tasks in order while reading ahead, with an unreadable file in the middle', async () => {
    const engine = new Engine();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-ahead-'));
    try {
      const tasks = Array.from({ length: 20 }, (_, i) => ({ path: path.join(dir, `f${i}.py`), relPath: `f${i}.py` }));
      tasks.forEach((t, i) => {
        if (i !== 7) fs.writeFileSync(t.path, i % 5 === 0 ? 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])\n' : 'x = 1\n');
      });
      const seen: string[] = [];
      const results: Awaited<ReturnType<typeof analyzeFile>>[] = [];
      await analyzeTasks(engine, tasks, (r, i) => {
        seen.push(`${i}:${r.file}`);
        results.push(r);
      });
      assert.deepEqual(seen, tasks.map((t, i) => `${i}:${t.relPath}`));
      assert.equal(results[7]!.notices[0]!.kind, 'read-error');
      const withCalls = results.filter((r) => r.findings.some((f) => f.ruleId === 'aigc-generation-call')).map((r) => r.file);
      assert.deepEqual(withCalls, ['f0.py', 'f5.py', 'f10.py', 'f15.py']);
    } finally {
      fs.rmSync(dir, { recursive: true });
      await engine.host.dispose();
    }
  });

  const range = { start: { line: 2, character: 4 }, end: { line: 2, character: 9 }, startOffset: 20, endOffset: 25 };
  const f = (severity: Finding['severity'], extra: Partial<Finding> = {}): Finding => ({
    ruleId: 'aigc-missing-label', file: 'src/a.ts', range, message: `a ${severity}`, severity, confidence: 'high', obligations: [], fingerprint: severity, ...extra,
  });

  it('applies the --fail-on threshold and ignores suppressed findings', () => {
    assert.equal(failsOn(f('info'), 'warning'), false);
    assert.equal(failsOn(f('warning'), 'warning'), true);
    assert.equal(failsOn(f('error'), 'warning'), true);
    assert.equal(failsOn(f('info'), 'info'), true);
    assert.equal(failsOn(f('error'), 'none'), false);
    assert.equal(failsOn(f('error', { suppression: { kind: 'baseline', reason: 'b', range } }), 'info'), false);
  });

  it('renders stylish text with aligned columns, hidden suppressions and skipped counts', () => {
    const findings = [f('warning'), f('info', { range: { ...range, start: { line: 10, character: 0 } } }), f('error', { suppression: { kind: 'inSource', reason: 'ok', range } })];
    const notices = [{ file: 'big.js', kind: 'too-large' as const, message: 'skipped' }, { file: 'x.py', kind: 'parse-timeout' as const, message: 'parsing took too long' }];
    const report: ScanReport = {
      tool: { name: 'aireg', version: '0' }, root: '/w', findings, notices, configErrors: [],
      summary: summarize(findings, notices, 3, 'warning', 1, 5),
    };
    const text = renderText(report, { color: false, showSuppressed: false, cwd: '/w' });
    assert.equal(text, [
      'src/a.ts',
      '  3:5   warning  a warning  aigc-missing-label',
      '  11:1  info     a info  aigc-missing-label',
      '',
      'notices',
      '  x.py: parsing took too long',
      '',
      '✖ 2 findings (0 errors, 1 warning, 1 info) in 3 files; 1 suppressed',
      '  skipped 2 files: 1 over maxFileBytes, 1 parse timeout (--format json lists them)',
      '  exit code 1: findings at or above --fail-on warning',
      '',
    ].join('\n'));
    const shown = renderText(report, { color: false, showSuppressed: true, cwd: '/elsewhere' });
    assert.match(shown, /^\/w\/src\/a\.ts$/m, 'paths outside the current folder are absolute');
    assert.match(shown, /a error \(suppressed: ok\)/);
  });
});
