// Regenerates docs/obligations.md and docs/rules.md from data/ (obligations, instruments, rules).
// Usage: node --import tsx scripts/gen-obligations-doc.ts [--check]
// With --check nothing is written; the exit code is 1 when a committed file is out of date, so CI
// can catch data edits that forgot to regenerate the docs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { knowledgeBase } from '../src/core/kb/index';
import { renderObligationsDoc, renderRulesDoc } from '../src/core/kb/docs';
import { RULES } from '../src/core/ruleMeta';

const root = path.resolve(__dirname, '..');
const check = process.argv.includes('--check');
const kb = knowledgeBase();
const outputs: [string, string][] = [
  ['docs/obligations.md', renderObligationsDoc(kb)],
  ['docs/rules.md', renderRulesDoc(RULES, kb)],
];

let stale = 0;
for (const [rel, text] of outputs) {
  const file = path.join(root, rel);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    console.error(`aireg: ${rel} is out of date; run npm run docs:obligations`);
    stale++;
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    console.log(`aireg: wrote ${rel}`);
  }
}
process.exitCode = stale ? 1 : 0;
