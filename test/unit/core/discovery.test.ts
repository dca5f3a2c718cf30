import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfig, type AiregConfig } from '../../../src/core/config';
import { collectFiles, discoverFiles } from '../../../src/core/discovery';
import type { Notice } from '../../../src/core/engine';

function write(root: string, rel: string, text = 'x = 1\n'): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('discoverFiles', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-disc-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  async function list(config: AiregConfig = defaultConfig(), roots = [root], notices: Notice[] = []): Promise<string[]> {
    const files = await collectFiles(roots, config, { baseDir: root, onNotice: (n) => notices.push(n) });
    return files.map((f) => f.relPath);
  }

  it('yields analysable files in a stable order with forward-slash relative paths', async () => {
    write(root, 'b.py');
    write(root, 'a/z.ts');
    write(root, 'a/y.go');
    write(root, 'README.md');
    write(root, 'types.d.ts');
    assert.deepEqual(await list(), ['a/y.go', 'a/z.ts', 'b.py']);
  });

  it('skips dependency, build and generated folders by default, at any depth', async () => {
    for (const d of ['node_modules/x', 'pkg/node_modules/y', 'vendor', 'third_party', 'dist', 'build', 'out', 'target', '.venv/lib', 'venv', '__pycache__', 'lib/site-packages/z', 'src/__generated__', '.git', 'generated']) {
      write(root, `${d}/f.py`);
    }
    write(root, 'src/app.py');
    assert.deepEqual(await list(), ['src/app.py']);
  });

  it('honours .gitignore at the root and nested, with negation', async () => {
    write(root, '.gitignore', '*.gen.ts\nsecret/\n');
    write(root, 'a.gen.ts');
    write(root, 'secret/k.py');
    write(root, 'keep.ts');
    write(root, 'sub/.gitignore', 'local.py\n!keep.gen.ts\n');
    write(root, 'sub/local.py');
    write(root, 'sub/keep.gen.ts');
    write(root, 'sub/main.py');
    write(root, 'other/local.py');
    assert.deepEqual(await list(), ['keep.ts', 'other/local.py', 'sub/keep.gen.ts', 'sub/main.py']);
  });

  it('honours .airegignore like .gitignore', async () => {
    write(root, '.airegignore', 'experiments/\n');
    write(root, 'experiments/try.py');
    write(root, 'lib/x/.airegignore', '/only_here.py\n');
    write(root, 'lib/x/only_here.py');
    write(root, 'lib/x/deeper/only_here.py');
    write(root, 'app.py');
    assert.deepEqual(await list(), ['app.py', 'lib/x/deeper/only_here.py']);
  });

  it('applies ignore files of ancestors up to the repository root', async () => {
    fs.mkdirSync(path.join(root, '.git'));
    write(root, '.gitignore', 'skipme.py\n');
    write(root, 'pkg/skipme.py');
    write(root, 'pkg/ok.py');
    assert.deepEqual(await list(defaultConfig(), [path.join(root, 'pkg')]), ['pkg/ok.py']);
  });

  it('applies include and exclude globs relative to the config folder', async () => {
    write(root, 'src/a.ts');
    write(root, 'src/legacy/b.ts');
    write(root, 'scripts/c.py');
    const config = { ...defaultConfig(), include: ['src/**'], exclude: ['**/legacy/**'] };
    assert.deepEqual(await list(config), ['src/a.ts']);
  });

  it('yields files named explicitly even when ignored, and dedupes them', async () => {
    write(root, '.gitignore', 'gen.py\n');
    write(root, 'gen.py');
    const file = path.join(root, 'gen.py');
    assert.deepEqual(await list(defaultConfig(), [file, root, file]), ['gen.py']);
  });

  it('counts minified and over-size files as notices instead of yielding them', async () => {
    write(root, 'static/app.min.js', 'var a=1;');
    write(root, 'big.py', 'x = 1\n'.repeat(100));
    write(root, 'small.py');
    const notices: Notice[] = [];
    const files = await list({ ...defaultConfig(), maxFileBytes: 100 }, [root], notices);
    assert.deepEqual(files, ['small.py']);
    assert.deepEqual(notices.map((n) => [n.file, n.kind]).sort(), [['big.py', 'too-large'], ['static/app.min.js', 'minified']]);
  });

  it('does not loop on symlinked folders and scans each real folder once', async () => {
    write(root, 'src/a.py');
    fs.symlinkSync(root, path.join(root, 'src', 'loop'), 'dir');
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'alias'), 'dir');
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling.py'));
    const files = await list();
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0]!, /a\.py$/);
  });

  it('reports a missing root as a notice and goes on', async () => {
    write(root, 'a.py');
    const notices: Notice[] = [];
    assert.deepEqual(await list(defaultConfig(), [path.join(root, 'missing'), root], notices), ['a.py']);
    assert.equal(notices[0]!.kind, 'read-error');
  });

  it('stops when the signal aborts', async () => {
    for (let i = 0; i < 20; i++) write(root, `f${i}.py`);
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const f of discoverFiles([root], defaultConfig(), { baseDir: root, signal: controller.signal })) {
      seen.push(f.relPath);
      if (seen.length === 3) controller.abort();
    }
    assert.equal(seen.length, 3);
  });

  it('handles spaces and Chinese characters in names', async () => {
    write(root, '我的 项目/生成 图片.py');
    assert.deepEqual(await list(), ['我的 项目/生成 图片.py']);
  });
});
