// Bundles the CLI, the language server, the extension client and the webview scripts with
// esbuild, and copies the tree-sitter runtime and grammar wasm files next to them.
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Node entry points; an entry is built only once its source exists. The CLI, its worker and the
// language server start in a new process (or thread) each time, so each is bundled to
// `<name>.bundle.js` and `<name>.js` is a stub that runs the bundle through the V8 code cache
// (src/launch/codeCache.ts). The client is loaded by the extension host, which has its own cache.
const launched = ['cli', 'worker', 'server'];
const nodeEntries = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/cli/worker.ts', out: 'worker' },
  { in: 'src/server/server.ts', out: 'server' },
  { in: 'src/client/extension.ts', out: 'client' },
  { in: 'src/launch/codeCache.ts', out: 'launch' },
]
  .filter((e) => fs.existsSync(path.join(root, e.in)))
  .map((e) => (launched.includes(e.out) ? { ...e, out: `${e.out}.bundle` } : e));

/** Writes `dist/<name>.js`, the stub that starts `dist/<name>.bundle.js` (the CLI's keeps the shebang). */
function writeStubs() {
  for (const name of launched) {
    const stub = [
      ...(name === 'cli' ? ['#!/usr/bin/env node'] : []),
      `'use strict';`,
      `// Written by scripts/build.mjs: starts ${name}.bundle.js through aireg's V8 code cache.`,
      `require('./launch.js').launch(require('node:path').join(__dirname, '${name}.bundle.js'), module);`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(root, 'dist', `${name}.js`), stub, { mode: 0o755 });
  }
}

const webEntries = fs.existsSync(path.join(root, 'src/webview'))
  ? fs.readdirSync(path.join(root, 'src/webview'))
      .filter((f) => /^(?!.*\.d\.ts$).*main\.ts$/i.test(f))
      .map((f) => ({ in: `src/webview/${f}`, out: `webview/${f.replace(/\.ts$/, '')}` }))
  : [];

// Grammar wasm files, pinned in package.json and recorded in data/grammars.json.
const grammarFiles = JSON.parse(fs.readFileSync(path.join(root, 'data/grammars.json'), 'utf8')).grammars;

function copyGrammars() {
  const dir = path.join(root, 'dist/grammars');
  fs.mkdirSync(dir, { recursive: true });
  for (const g of grammarFiles) fs.copyFileSync(path.join(root, 'node_modules', g.source), path.join(dir, g.file));
}

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  outdir: path.join(root, 'dist'),
};

/**
 * The data files (obligations, instruments, providers, rules) as `JSON.parse('...')` instead of
 * object literals: V8 scans a string literal far faster than it parses the same data as code, and
 * JSON.parse builds the objects faster than evaluating literals, so a one-file scan starts sooner
 * (about 550 KB of the CLI bundle is data). Every import of a data file in the sources is a default
 * import, which this keeps.
 */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(build) {
    // Only the project's own data: a package's JSON may be `require`d and must stay CommonJS.
    const dataDir = path.join(root, 'data') + path.sep;
    build.onLoad({ filter: /\.json$/ }, async (args) => {
      if (!args.path.startsWith(dataDir)) return undefined;
      const text = JSON.stringify(JSON.parse(await fs.promises.readFile(args.path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

const nodeOptions = {
  ...common,
  plugins: [jsonAsParse],
  entryPoints: nodeEntries,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  mainFields: ['module', 'main'],
  conditions: ['require', 'node'],
  // `import()` becomes `require()`: code run through vm.Script (the code-cache launcher) has no
  // dynamic-import callback in Node 20, and every module imported is bundled or built in.
  supported: { 'dynamic-import': false },
  // web-tree-sitter's CommonJS build: its ES build declares a local `require` that shadows the one
  // a converted `import()` calls.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
};

const webOptions = { ...common, entryPoints: webEntries, platform: 'browser', format: 'iife', target: 'es2022' };

copyGrammars();
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
writeStubs();
if (watch) {
  const ctxs = [await esbuild.context(nodeOptions)];
  if (webEntries.length) ctxs.push(await esbuild.context(webOptions));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('aireg: watching for changes');
} else {
  await esbuild.build(nodeOptions);
  if (webEntries.length) await esbuild.build(webOptions);
}
