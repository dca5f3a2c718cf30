/**
 * Glob and ignore patterns come from the workspace (`.aireg.json`, `.gitignore`, `.airegignore`),
 * so they must match in linear time, and must keep the meaning the previous matchers (picomatch
 * for include/exclude, the `ignore` package for ignore files) gave them.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ignore from 'ignore';
import picomatch from 'picomatch';
import { defaultConfig } from '../../../src/core/config';
import { discoverFiles } from '../../../src/core/discovery';
import { IgnoreRules, compileGlobs, expandBraces } from '../../../src/core/glob';
import { killRunning, runCli } from './hang';

const PATHS = [
  'a.ts', 'src/a.ts', 'src/deep/b/c.ts', '.hidden/x.py', 'src/.env.ts', 'test/fixtures/a.go', 'lib/x.min.js',
  'docs/readme.md', 'src/gen/out.py', 'A.TS', 'src/Foo.java', 'a/b', 'a', 'x/a/b/y', 'build/a.ts', 'a b/c d.ts', 'src/[x].ts',
];
const GLOBS = [
  '*.ts', '**/*.ts', 'src/**', 'src/**/*.ts', '**/gen/**', '?.ts', 'src/*.{ts,py}', '**/{test,docs}/**', 'src/[a-c].ts',
  'a/**/b', '**', 'src/**/c.ts', '**/.hidden/**', '*.min.js', '**/*.min.js', 'a', 'a/b', '**/x/**', 'src/\\[x].ts', '{a,b}/**',
];

describe('robustness: glob and ignore matching', function () {
  this.timeout(30_000);
  afterEach(killRunning);

  it('include/exclude globs mean what picomatch made them mean', () => {
    for (const g of GLOBS) {
      const ours = compileGlobs([g]);
      const theirs = picomatch([g], { dot: true });
      for (const p of PATHS) assert.equal(ours(p), theirs(p), `${g} vs ${p}`);
    }
    // `[!a]` is a negated class, as in shells and gitignore (picomatch reads it differently).
    assert.equal(compileGlobs(['src/[!a].ts'])('src/a.ts'), false);
    assert.equal(compileGlobs(['src/[!a].ts'])('src/b.ts'), true);
  });

  it('ignore files mean what the ignore package made them mean', () => {
    const FILES = [
      'node_modules\n', '*.log\n!keep.log\n', '/build\n', 'build/\n', 'src/gen/\n', '**/fixtures\n', 'docs/**\n', '# comment\n\n*.py\n',
      '\\#hash.ts\n', 'a/**/b\n', '*.ts\n!src/*.ts\n', 'x\n!x/a\n', 'foo \n', '[ab].ts\n', '?.ts\n', 'src\n!src/a.ts\n',
    ];
    const paths = [...PATHS, 'keep.log', 'x.log', 'src/x.log', 'build/', 'src/build/', 'src/gen/', 'src/', '#hash.ts', 'foo', 'b.ts', 'node_modules/', 'x/', 'test/fixtures/'];
    for (const text of FILES) {
      const ours = new IgnoreRules().add(text);
      const theirs = ignore().add(text);
      for (const p of paths) {
        const t = theirs.test(p);
        assert.deepEqual(ours.test(p), { ignored: t.ignored, unignored: t.unignored }, `${JSON.stringify(text)} vs ${p}`);
      }
    }
  });

  it('agrees with both on 5,000 random small globs and paths', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = (a: readonly string[]): string => a[rnd(a.length)]!;
    for (let k = 0; k < 5000; k++) {
      const parts = Array.from({ length: 1 + rnd(5) }, () => pick(['a', 'b', '*', '?', '**', '.', 'ab', '*a', 'a*', '[ab]']));
      const g = parts.join(pick(['/', '/', '']));
      const p = Array.from({ length: 1 + rnd(4) }, () => pick(['a', 'b', 'ab', 'ba', '.a', 'aa', 'a.b', 'x'])).join('/');
      assert.equal(compileGlobs([g])(p), picomatch([g], { dot: true })(p), `glob ${g} vs ${p}`);
      // The ignore package reads `**/**/a` as not matching `a`, unlike git; that case is left out.
      if (g.includes('**/**')) continue;
      const tp = p + (rnd(3) === 0 ? '/' : '');
      assert.equal(new IgnoreRules().add(g).test(tp).ignored, ignore().add(g).test(tp).ignored, `ignore ${g} vs ${tp}`);
    }
  });

  it('the workspace walk yields to the event loop and stops when cancelled between files', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-cancel-'));
    // Many entries that need no I/O (not source files) and some source files.
    for (let i = 0; i < 600; i++) fs.writeFileSync(path.join(root, `n${i}.txt`), '');
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(root, `s${i}.ts`), '');
    const abort = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const seen: string[] = [];
    try {
      for await (const f of discoverFiles([root], defaultConfig(), { baseDir: root, signal: abort.signal })) {
        seen.push(f.relPath);
        if (seen.length === 3) abort.abort();
      }
    } finally {
      clearInterval(timer);
    }
    assert.equal(seen.length, 3, 'nothing after the cancel');
    assert.ok(ticks > 0, 'timers ran during the walk');
  });

  it('expands braces with a bound', () => {
    assert.deepEqual(expandBraces('a.{ts,{py,go}}'), ['a.ts', 'a.py', 'a.go']);
    assert.ok(expandBraces('{a,b}'.repeat(20)).length <= 300);
  });

  it('a pathological glob in .aireg.json, .gitignore and .airegignore does not stall a scan', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-glob-'));
    const name = `${'a'.repeat(40)}.ts`;
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', name), 'export const x = 1;\n');
    const evil = `**/*${'a*'.repeat(24)}b.ts`;
    fs.writeFileSync(path.join(root, '.aireg.json'), JSON.stringify({ exclude: [evil], include: [evil, '**'] }));
    fs.writeFileSync(path.join(root, '.gitignore'), `${evil}\n`);
    fs.writeFileSync(path.join(root, '.airegignore'), `${evil.slice(3)}\n`);
    // A hang here ends as this test's timeout, not as a stuck run.
    const r = await runCli(['scan', '.', '-f', 'json', '--no-progress', '--fail-on', 'none'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { summary: { files: number } }).summary.files, 1);
  });
});
