/**
 * Python plugin modules (flow/plugins.ts): which dynamic imports name a package, which functions
 * of a file hand out its modules, and which modules a package folder holds.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Workspace } from '../../src/core/analysis/workspace';
import { TreeSitterHost } from '../../src/core/parser';
import { fileIndex } from '../../src/core/rules/flow/ast';
import { PLUGIN_LOADER_HINT, dynamicImport, pluginLoaders } from '../../src/core/rules/flow/plugins';

describe('flow/plugins: Python plugin modules', () => {
  const host = new TreeSitterHost();
  after(() => host.dispose());

  const index = async (text: string) => fileIndex(await host.parse('python', text, 'app/loader.py'), 'python');

  it('reads the package of a dynamic import with a literal prefix, in each way of writing it', async () => {
    const text = [
      "a = importlib.import_module('app.plugins.' + name)",
      "b = importlib.import_module('app.plugins.' + name + '.core')",
      "c = import_module(f'app.plugins.{name}')",
      'd = importlib.import_module(f"app.plugins.{name}.core")',
      "e = importlib.import_module('app.plugins.%s' % name)",
      "f = importlib.import_module('app.plugins.{}'.format(name))",
      "g = __import__('app.plugins.' + name, fromlist=['run'])",
      // Not a package of plugins: a whole name, a name without a literal prefix, `__import__` without a fromlist.
      "h = importlib.import_module('app.plugins.face')",
      'i = importlib.import_module(name)',
      "j = importlib.import_module(module_name + '.locales')",
      "k = __import__('app.plugins.' + name)",
    ].join('\n');
    const idx = await index(text);
    const found = idx.calls.filter((c) => /import_module$|^__import__$/.test(c.callee)).map((c) => dynamicImport(c, 'app/loader.py')).map((r) => (r ? `${r.pkg}|${r.suffix}` : '-'));
    assert.deepEqual(found, ['app.plugins|', 'app.plugins|.core', 'app.plugins|', 'app.plugins|.core', 'app.plugins|', 'app.plugins|', 'app.plugins|', '-', '-', '-', '-']);
    // The text hint that gates the work agrees on every line.
    assert.deepEqual(text.split('\n').map((l) => PLUGIN_LOADER_HINT.test(l)), [true, true, true, true, true, true, true, false, false, false, true]);
  });

  it('finds the functions that hand out plugin modules: a loader, and a function collecting what it loads', async () => {
    const idx = await index(
      [
        'import importlib',
        'LOADED = []',
        'def load(name):',
        "    module = importlib.import_module('app.plugins.' + name)",
        '    return module',
        'def all_plugins(names):',
        '    for name in names:',
        '        LOADED.append(load(name))',
        '    return LOADED',
        'def by_name(names):',
        '    return {name: load(name) for name in names}',
        'def names_of(names):',
        '    return [load(n).__name__ for n in names]',
        'def enabled(names):',
        '    return [m for m in all_plugins(names) if m.ENABLED]',
        'def check(name):',
        "    return hasattr(load(name), 'run')",
      ].join('\n'),
    );
    assert.deepEqual([...pluginLoaders(idx, 'app/loader.py').keys()].sort(), ['all_plugins', 'by_name', 'enabled', 'load']);
  });

  it('lists the modules of a package folder, or the named module of each subpackage', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-plugins-'));
    try {
      const write = (rel: string): void => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), '');
      }
      for (const f of ['app/__init__.py', 'app/plugins/__init__.py', 'app/plugins/blur.py', 'app/plugins/_private.py', 'app/plugins/swap/__init__.py', 'app/plugins/swap/core.py', 'app/plugins/notes.txt']) write(f);
      const ws = new Workspace(root, host);
      assert.deepEqual(ws.pluginFiles('app/loader.py', 'app.plugins', ''), ['app/plugins/blur.py', 'app/plugins/swap/__init__.py']);
      assert.deepEqual(ws.pluginFiles('app/loader.py', 'app.plugins', '.core'), ['app/plugins/swap/core.py']);
      assert.deepEqual(ws.pluginFiles('app/loader.py', 'app.missing', ''), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
