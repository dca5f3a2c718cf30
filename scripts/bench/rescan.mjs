// Rescan after one file changes in a large workspace. With a content-hash cache (`aireg scan
// --cache`) only the changed file is re-analysed; without one the figure is a full rescan, and
// the bench says so rather than pretending.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { medianRun, run } from './measure.mjs';

function cliHas(cli, option) {
  try {
    return execFileSync(process.execPath, [cli, 'help']).toString().includes(option);
  } catch {
    return false;
  }
}

/** Picks a mid-sized TypeScript file of the corpus to edit. */
function pickFile(dir) {
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.ts') && fs.statSync(p).size > 4000) return p;
    }
  }
  throw new Error(`no TypeScript file in ${dir}`);
}

export async function rescanBench({ cli, corpusDir, reps, fig }) {
  const notes = [];
  const file = pickFile(corpusDir);
  const original = fs.readFileSync(file);
  const hasCache = cliHas(cli, '--cache');
  const cacheDir = path.join(path.dirname(corpusDir), `${path.basename(corpusDir)}.cache`);
  const args = [cli, 'scan', corpusDir, '-f', 'json', '--fail-on', 'none', '--no-progress', ...(hasCache ? ['--cache', cacheDir] : [])];
  try {
    if (hasCache) {
      fs.rmSync(cacheDir, { recursive: true, force: true });
      const cold = await run(process.execPath, args);
      fig('rescan.cache_cold.wall', cold.ms / 1000, 's');
      const warm = await medianRun(reps, process.execPath, args);
      fig('rescan.cache_unchanged.wall', warm.ms / 1000, 's');
    }
    let n = 0;
    const times = [];
    let last;
    for (let i = 0; i < reps; i++) {
      // A one-character change that keeps the file valid: a trailing comment character.
      fs.writeFileSync(file, Buffer.concat([original, Buffer.from(`\n// ${'x'.repeat(++n)}\n`)]));
      last = await run(process.execPath, args);
      times.push(last.ms);
    }
    times.sort((a, b) => a - b);
    const med = times[Math.floor((times.length - 1) / 2)];
    fig('rescan.one_file_changed.wall', med / 1000, 's');
    fig('rescan.one_file_changed.rss', last.rssMB, 'MB');
    fig('rescan.cache', hasCache ? 'content-hash' : 'none', '');
    if (!hasCache) notes.push('rescan: the CLI has no --cache option yet, so "rescan after one file changes" is a full rescan.');
  } finally {
    fs.writeFileSync(file, original);
  }
  return { notes };
}
