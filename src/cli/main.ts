#!/usr/bin/env node
/**
 * Minimal CLI entry (placeholder until the full CLI lands): scans files under the given paths
 * and prints findings as text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../core/engine';
import { languageForPath } from '../core/languages';

async function main(): Promise<void> {
  const [, , command, ...paths] = process.argv;
  if (command !== 'scan') {
    console.error('usage: aireg scan [PATH...]');
    process.exit(2);
  }
  const engine = new Engine();
  const roots = paths.length ? paths : ['.'];
  let count = 0;
  const walk = async (p: string): Promise<void> => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (e !== 'node_modules' && !e.startsWith('.')) await walk(path.join(p, e));
    } else if (languageForPath(p)) {
      const r = await engine.analyze(p, fs.readFileSync(p, 'utf8'));
      for (const f of r.findings) {
        count++;
        console.log(`${p}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.message} [${f.ruleId}]`);
      }
    }
  };
  for (const r of roots) await walk(r);
  console.log(`${count} finding(s)`);
  process.exit(count ? 1 : 0);
}

void main();
