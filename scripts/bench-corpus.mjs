#!/usr/bin/env node
// Assembles the benchmark corpora under .bench/corpus/{small,large} from code nobody here wrote,
// using only the npm registry (`npm pack` of pinned versions) and Debian packages (Python's
// standard library from libpython3.11, Go's from golang-src, the JDK's from openjdk-17-source).
// Reruns are fast: tarballs and the assembled trees are cached and rebuilt only when the recipe
// below changes.
//
// Both tools in the bench must read the same bytes, so the corpus holds only files aireg
// analyses and ast-grep also parses: type declaration files (.d.ts), files over the engine's
// size limit and minified files are left out here (and counted in the manifest) rather than
// skipped by one tool and parsed by the other. Folder names that aireg skips by default
// (dist, build, vendor, ...) get a trailing underscore for the same reason.
//
// Usage: node scripts/bench-corpus.mjs [small|large|all]   (default: all)
import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, '.bench');
const packDir = path.join(benchDir, 'packs');
const srcDir = path.join(benchDir, 'src');

/** npm packages (exact versions) whose published sources go into the corpus. */
export const NPM_PACKAGES = [
  'openai@7.59.0',
  '@anthropic-ai/sdk@1.14.0',
  '@langchain/openai@1.6.0',
  '@langchain/core@1.4.0',
  'langchain@1.5.14',
  'ai@7.0.173',
  '@google/genai@3.3.0',
  'typescript@5.9.3',
];

/** Kept in step with src/core/languages.ts and src/core/discovery.ts (checked by the bench). */
const EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.py', '.pyi', '.go', '.java']);
const SKIP_DIRS = new Set([
  'node_modules', 'bower_components', 'jspm_packages', '.git', '.hg', '.svn',
  'vendor', 'third_party', 'third-party', 'dist', 'build', 'out', 'target',
  '.venv', 'venv', '.tox', '.nox', '__pycache__', 'site-packages', '.mypy_cache', '.pytest_cache', '.ruff_cache',
  '.next', '.nuxt', '.svelte-kit', '.turbo', '.parcel-cache', '.cache', 'coverage',
  'generated', '__generated__', '.generated',
]);
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * What goes into each corpus: [label, source folder (relative to .bench/src or absolute), filter
 * on the path relative to that folder]. `small` is the issue-2 corpus (a few hundred files),
 * `large` the issue-6 corpus (over a million lines).
 */
function recipes(python, go) {
  return {
    small: [
      ['npm/openai', 'npm/openai/package/src', (p) => p.startsWith('resources/chat/') || p.startsWith('resources/beta/') || p.startsWith('lib/')],
      ['npm/@langchain/openai', 'npm/@langchain/openai/package', (p) => p.endsWith('.js')],
      ['npm/ai', 'npm/ai/package', (p) => p.startsWith('src/generate-')],
      ['debian/python3.11', python, (p) => /^(json|http|urllib)\//.test(p)],
      ['debian/golang-src', go, (p) => /^net\/http\/[^/]+\.go$/.test(p) && !p.endsWith('_test.go')],
      ['debian/openjdk-17-source', 'jdk', (p) => /^java\.net\.http\/java\/net\/http\/[^/]+\.java$/.test(p)],
      ['demo', path.join(root, 'demo'), () => true],
    ],
    large: [
      ...NPM_PACKAGES.map((spec) => {
        const name = spec.slice(0, spec.lastIndexOf('@'));
        return [`npm/${name}`, `npm/${name}/package`, () => true];
      }),
      ['debian/python3.11', python, (p) => !p.startsWith('site-packages/') && !p.startsWith('dist-packages/')],
      ['debian/golang-src', go, (p) => /^(net|encoding|crypto|go|database|image)\//.test(p)],
      ['debian/openjdk-17-source', 'jdk', (p) => /^java\.base\/java\/(util|net|io|nio)\//.test(p) || p.startsWith('java.net.http/')],
      ['demo', path.join(root, 'demo'), () => true],
    ],
  };
}

function log(msg) {
  process.stderr.write(`bench-corpus: ${msg}\n`);
}

/** Debian's Python standard library, else whatever Python 3 library folder this machine has. */
function findPython() {
  const candidates = ['/usr/lib/python3.11', ...fs.existsSync('/usr/lib') ? fs.readdirSync('/usr/lib').filter((d) => /^python3\.\d+$/.test(d)).map((d) => `/usr/lib/${d}`) : []];
  if (!fs.existsSync('/usr/lib/python3.11/os.py')) tryApt(['libpython3.11-stdlib']);
  for (const c of candidates) if (fs.existsSync(path.join(c, 'os.py'))) return { dir: c, origin: `Debian (${c})` };
  const pyenv = '/root/.pyenv/versions/3.11.7/lib/python3.11';
  if (fs.existsSync(path.join(pyenv, 'os.py'))) return { dir: pyenv, origin: `pyenv (${pyenv}); Debian's was not available` };
  return undefined;
}

function findGo() {
  const share = '/usr/share';
  const pick = () => fs.readdirSync(share).filter((d) => /^go-1\.\d+$/.test(d)).sort().map((d) => path.join(share, d, 'src')).find((d) => fs.existsSync(path.join(d, 'net')));
  let dir = pick();
  if (!dir) {
    tryApt(['golang-src']);
    dir = pick();
  }
  return dir ? { dir, origin: `Debian golang-src (${dir})` } : undefined;
}

function findJdkZip() {
  const zip = '/usr/lib/jvm/openjdk-17/lib/src.zip';
  if (!fs.existsSync(zip)) tryApt(['openjdk-17-source']);
  return fs.existsSync(zip) ? zip : undefined;
}

function tryApt(pkgs) {
  if (process.getuid?.() !== 0) return;
  log(`installing ${pkgs.join(' ')} from Debian`);
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/** Downloads (once) and unpacks every npm package into .bench/src/npm/<name>/package. */
function fetchNpm() {
  fs.mkdirSync(packDir, { recursive: true });
  for (const spec of NPM_PACKAGES) {
    const name = spec.slice(0, spec.lastIndexOf('@'));
    const version = spec.slice(spec.lastIndexOf('@') + 1);
    const tgz = path.join(packDir, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
    if (!fs.existsSync(tgz)) {
      log(`npm pack ${spec}`);
      execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', packDir], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const out = path.join(srcDir, 'npm', name);
    const stamp = path.join(out, '.version');
    if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === version) continue;
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    execFileSync('tar', ['xzf', tgz, '-C', out]);
    fs.writeFileSync(stamp, version);
  }
}

function unpackJdk(zip) {
  const out = path.join(srcDir, 'jdk');
  if (fs.existsSync(path.join(out, '.done'))) return;
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  execFileSync('unzip', ['-q', '-o', zip, 'java.base/java/*', 'java.net.http/*', '-d', out]);
  fs.writeFileSync(path.join(out, '.done'), '');
}

function* walk(dir, rel = '') {
  let entries;
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walk(dir, r);
    else if (e.isFile()) yield r;
  }
}

/** The engine's minified heuristic (src/core/engine.ts looksMinified). */
function looksMinified(text) {
  if (text.length < 20_000) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return text.length / lines > 500;
}

function extOf(p) {
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (/\.d\.[mc]?ts$/.test(base)) return '.d.ts';
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot).toLowerCase();
}

function countLines(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.length && !text.endsWith('\n') ? n + 1 : n;
}

function assemble(name, recipe, origins) {
  const out = path.join(benchDir, 'corpus', name);
  const recipeHash = crypto.createHash('sha256').update(JSON.stringify(recipe.map(([l, s, f]) => [l, s, f.toString()])) + fs.readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 16);
  const manifestPath = path.join(out, '.manifest.json');
  if (fs.existsSync(manifestPath)) {
    const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    if (m.recipe === recipeHash) return m;
  }
  log(`assembling ${name}`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  // Its own (empty) repository, so the project's .gitignore (which lists .bench/) does not apply.
  execFileSync('git', ['init', '-q', out]);
  const manifest = { recipe: recipeHash, files: 0, lines: 0, bytes: 0, byLanguage: {}, sources: [], left_out: { declarations: 0, tooLarge: 0, minified: 0, binary: 0 } };
  for (const [label, source, filter] of recipe) {
    const dir = path.isAbsolute(source) ? source : path.join(srcDir, source);
    if (!fs.existsSync(dir)) {
      manifest.sources.push({ label, missing: true });
      continue;
    }
    const src = { label, origin: origins[label] ?? label, files: 0, lines: 0 };
    for (const rel of walk(dir)) {
      const ext = extOf(rel);
      if (ext === '.d.ts' && EXTENSIONS.has(rel.slice(rel.lastIndexOf('.')))) {
        manifest.left_out.declarations++;
        continue;
      }
      if (!EXTENSIONS.has(ext) || /\.min\.[mc]?js$/i.test(rel) || !filter(rel)) continue;
      const buf = fs.readFileSync(path.join(dir, rel));
      if (buf.length > MAX_FILE_BYTES) {
        manifest.left_out.tooLarge++;
        continue;
      }
      if (buf.subarray(0, 8000).includes(0)) {
        manifest.left_out.binary++;
        continue;
      }
      const text = buf.toString('utf8');
      if (looksMinified(text)) {
        manifest.left_out.minified++;
        continue;
      }
      const safe = rel.split('/').map((seg, i, all) => (i < all.length - 1 && SKIP_DIRS.has(seg) ? `${seg}_` : seg)).join('/');
      const dest = path.join(out, label.replace(/@/g, ''), safe);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, buf);
      const lines = countLines(text);
      src.files++;
      src.lines += lines;
      manifest.files++;
      manifest.lines += lines;
      manifest.bytes += buf.length;
      manifest.byLanguage[ext] = (manifest.byLanguage[ext] ?? 0) + 1;
    }
    manifest.sources.push(src);
  }
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Builds the requested corpora and returns their manifests keyed by name. */
export function buildCorpus(which = ['small', 'large']) {
  fetchNpm();
  const python = findPython();
  const go = findGo();
  const jdk = findJdkZip();
  if (jdk) unpackJdk(jdk);
  const origins = {
    'debian/python3.11': python?.origin ?? 'missing',
    'debian/golang-src': go?.origin ?? 'missing',
    'debian/openjdk-17-source': jdk ? `Debian openjdk-17-source (${jdk})` : 'missing',
  };
  for (const spec of NPM_PACKAGES) origins[`npm/${spec.slice(0, spec.lastIndexOf('@'))}`] = `npm ${spec}`;
  origins.demo = 'this repository\'s demo/';
  const all = recipes(python?.dir ?? '/nonexistent', go?.dir ?? '/nonexistent');
  const result = {};
  for (const name of which) {
    result[name] = { dir: path.join(benchDir, 'corpus', name), ...assemble(name, all[name], origins) };
  }
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2] ?? 'all';
  const which = arg === 'all' ? ['small', 'large'] : [arg];
  const res = buildCorpus(which);
  for (const [name, m] of Object.entries(res)) {
    console.log(`${name}: ${m.files} files, ${m.lines} lines, ${(m.bytes / 1e6).toFixed(1)} MB in ${m.dir}`);
    for (const s of m.sources) console.log(`  ${s.label}: ${s.missing ? 'MISSING' : `${s.files} files, ${s.lines} lines — ${s.origin}`}`);
    console.log(`  left out: ${JSON.stringify(m.left_out)}`);
  }
}
