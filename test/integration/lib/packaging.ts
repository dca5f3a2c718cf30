/**
 * Builds the production bundles and packages the `.vsix` exactly as a user would install it, so the
 * end-to-end tests exercise what ships (the `.vscodeignore` allowlist included).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, type E2eTools } from './codeServer';

function run(cmd: string, args: string[], what: string, env: NodeJS.ProcessEnv = process.env, cwd = REPO_ROOT): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    throw new Error(`aireg: ${what} failed (exit ${r.status ?? r.signal}):\n${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  }
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

/** Runs `scripts/build.mjs --production` with the project's Node. */
export function buildProduction(): void {
  run(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs'), '--production'], 'production build');
}

/** Version from package.json, used for the `.vsix` file name. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Folders never shipped that are large enough to make vsce's file walk take minutes (.bench, .e2e-tools). */
const NOT_STAGED = new Set(['.git', 'node_modules', '.e2e-tools', '.bench', 'test-results', 'out', '.aireg-cache']);

/**
 * Copies the repository into `dir` without the folders above. vsce walks every file before it applies
 * `.vscodeignore`, so packaging from a staging copy takes a second instead of minutes; the allowlist in
 * `.vscodeignore` still decides what goes into the `.vsix`.
 */
export function stageForPackaging(from: string, dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of fs.readdirSync(from)) {
    if (NOT_STAGED.has(entry) || entry.endsWith('.vsix')) continue;
    fs.cpSync(path.join(from, entry), path.join(dir, entry), { recursive: true, verbatimSymlinks: true });
  }
  return dir;
}

/**
 * Packages the extension with vsce (run on Node 24: vsce 4 needs Node 22 or newer). Dependencies are
 * bundled by esbuild, hence `--no-dependencies`. Returns the `.vsix` path and the list of files in it.
 */
export function packageVsix(tools: E2eTools, outFile: string, source = REPO_ROOT): { vsix: string; files: string[] } {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const cwd = stageForPackaging(source, fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-vsix-')));
  const env = { ...process.env, PATH: `${path.dirname(tools.node24)}:${process.env.PATH ?? ''}` };
  try {
    // The README's relative links (docs/…) stay relative: the extension has no public repository URL.
    const args = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', outFile];
    run(tools.node24, [tools.vsce, ...args], 'vsce package', env, cwd);
    const listing = run(tools.node24, [tools.vsce, 'ls', '--no-dependencies'], 'vsce ls', env, cwd);
    const files = listing.split('\n').map((l) => l.trim()).filter((l) => l && !/^(WARNING|INFO|DONE)/.test(l));
    return { vsix: outFile, files };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}
