/**
 * In-process timings for `npm run bench`, on one thread and over texts already in memory, so the
 * figures isolate parsing and rule work from discovery, file reads and worker start-up:
 *
 *   parse-only   TreeSitterHost.parse + tree.delete for every file (no rule, no engine checks)
 *   generation   Engine.analyze with only aigc-generation-call
 *   full         Engine.analyze with every rule the default configuration enables
 *   +<rule>      generation plus one review rule (attributes cost per rule; optional)
 *
 * Bundled by scripts/bench.mjs with esbuild (like the CLI) and run as a child process; it prints
 * one JSON object on stdout. Each mode runs `rounds` times, interleaved in a rotating order, and the minimum counts,
 * because the minimum is the figure least disturbed by the rest of the machine.
 *
 * Usage: node inproc.cjs <listfile> <rounds> [--per-rule]
 *        node inproc.cjs --edit <file> <line> <edits> [<root>]
 *        node inproc.cjs --typing <file> <line> <edits>
 * The second form replays what the language server does per keystroke, without the protocol and
 * the debounce: edit the kept tree, re-analyse with it as `oldTree`, keep the new tree. It types a
 * character and deletes it again, so the file alternates between two texts, as the language
 * server figures do. The third types new code instead, a character at a time (every statement
 * text it makes is new), and reports the heap left after a full collection per 100 keystrokes:
 * what an editing session leaves behind that is not garbage.
 */
import * as fs from 'node:fs';
import { Engine } from '../../src/core/engine';
import { languageForPath } from '../../src/core/languages';
import { TreeSitterHost } from '../../src/core/parser';
import { ALL_RULES } from '../../src/core/rules';
import type { RuleId } from '../../src/core/types';
import { exposedCollector } from '../../src/server/idleGc';
import type { Tree } from 'web-tree-sitter';

interface Mode {
  name: string;
  run(files: readonly { path: string; text: string }[]): Promise<{ findings: number; notices: number }>;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Incremental re-analysis after one-character edits (type a character, delete it, repeat). */
async function editMode(file: string, line: number, edits: number, root?: string): Promise<void> {
  const engine = new Engine();
  let text = fs.readFileSync(file, 'utf8');
  const lineStart = (t: string): number => {
    let off = 0;
    for (let i = 0; i < line; i++) off = t.indexOf('\n', off) + 1;
    return off;
  };
  const col = '// edit here:'.length;
  // With a root, the file is analysed as the language server does, within its workspace.
  const where = root ? { root } : {};
  const name = root ? file.slice(root.length + 1) : file;
  let tree: Tree | undefined = (await engine.analyze(name, text, { keepTree: true, ...where })).tree;
  const total: number[] = [];
  const parse: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < edits; i++) {
    const at = lineStart(text) + col;
    const typing = i % 2 === 0;
    text = typing ? `${text.slice(0, at)}x${text.slice(at)}` : text.slice(0, at) + text.slice(at + 1);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    tree?.edit({
      startIndex: at,
      oldEndIndex: typing ? at : at + 1,
      newEndIndex: typing ? at + 1 : at,
      startPosition: { row: line, column: col },
      oldEndPosition: { row: line, column: typing ? col : col + 1 },
      newEndPosition: { row: line, column: typing ? col + 1 : col },
    });
    const r = await engine.analyze(name, text, { keepTree: true, ...where, ...(tree ? { oldTree: tree } : {}) });
    total.push(performance.now() - t0);
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
    parse.push(r.parseMs);
    tree?.delete();
    tree = r.tree;
  }
  tree?.delete();
  await engine.host.dispose();
  // Times after the first quarter of the edits, when the JIT has compiled the incremental path.
  if (process.env.AIREG_EDIT_STEADY) {
    const steady = total.slice(Math.floor(total.length / 4));
    const steadyCpu = cpu.slice(Math.floor(cpu.length / 4));
    process.stderr.write(`first ${total.slice(0, 16).map((t) => t.toFixed(0)).join(" ")}\n`);
    process.stderr.write(`steady mean ${(steady.reduce((a, b) => a + b, 0) / steady.length).toFixed(2)} ms, p50 ${percentile(steady, 50).toFixed(2)}, cpu mean ${(steadyCpu.reduce((a, b) => a + b, 0) / steadyCpu.length).toFixed(2)}\n`);
  }
  process.stdout.write(`${JSON.stringify({ p50: percentile(total, 50), p95: percentile(total, 95), parseP50: percentile(parse, 50) })}\n`);
}

/** Code typed by `--typing`: statements, a function, identifiers and strings, as a developer types them. */
const TYPED = `
const recommendedItems = await rankItems(userProfile, candidates, { limit: 20 });
export function scoreFor(user: { id: string; history: string[] }): number {
  return user.history.length * 2 + (user.id.startsWith('vip') ? 10 : 0);
}
`;

/** New code typed a character at a time; the heap left after full collections, per 100 keystrokes. */
async function typingMode(file: string, line: number, edits: number): Promise<void> {
  const gc = exposedCollector()!;
  const engine = new Engine();
  let text = fs.readFileSync(file, 'utf8');
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  let row = line;
  let col = 0;
  let tree: Tree | undefined = (await engine.analyze(file, text, { keepTree: true })).tree;
  const heap = (): number => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  // Measured from after the first 100 keystrokes, when the JIT and the memos have settled.
  let base = 0;
  const times: number[] = [];
  for (let i = 0; i < edits; i++) {
    if (i === 100) base = heap();
    const ch = TYPED[i % TYPED.length]!;
    text = text.slice(0, at) + ch + text.slice(at);
    const [nextRow, nextCol] = ch === '\n' ? [row + 1, 0] : [row, col + 1];
    const t0 = performance.now();
    tree?.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: { row, column: col }, oldEndPosition: { row, column: col }, newEndPosition: { row: nextRow, column: nextCol } });
    const r = await engine.analyze(file, text, { keepTree: true, ...(tree ? { oldTree: tree } : {}) });
    times.push(performance.now() - t0);
    tree?.delete();
    tree = r.tree;
    at++;
    row = nextRow;
    col = nextCol;
  }
  const growth = edits > 100 ? ((heap() - base) / (edits - 100)) * 100 : NaN;
  tree?.delete();
  await engine.host.dispose();
  process.stdout.write(`${JSON.stringify({ p50: percentile(times, 50), p95: percentile(times, 95), heapGrowthPer100: growth / 1e6 })}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--typing') {
    const [, file, line, edits] = process.argv.slice(2);
    await typingMode(file!, Number(line), Number(edits));
    return;
  }
  if (process.argv[2] === '--edit') {
    const [, file, line, edits, root] = process.argv.slice(2);
    await editMode(file!, Number(line), Number(edits), root);
    return;
  }
  const [listFile, roundsArg] = process.argv.slice(2);
  const perRule = process.argv.includes('--per-rule');
  const rounds = Number(roundsArg ?? '1');
  const paths = fs.readFileSync(listFile!, 'utf8').split('\n').filter(Boolean);
  const files = paths.map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));

  const host = new TreeSitterHost();
  const engine = new Engine(host);
  const gen = new Set<RuleId>(['aigc-generation-call']);
  const allIds = ALL_RULES.map((r) => r.id);

  const analyzeMode = (name: string, onlyRules?: ReadonlySet<RuleId>): Mode => ({
    name,
    async run(list) {
      let findings = 0;
      let notices = 0;
      for (const f of list) {
        const r = await engine.analyze(f.path, f.text, onlyRules ? { onlyRules } : {});
        findings += r.findings.length;
        notices += r.notices.length;
      }
      return { findings, notices };
    },
  });

  const modes: Mode[] = [
    {
      name: 'parse-only',
      async run(list) {
        let notices = 0;
        for (const f of list) {
          const lang = languageForPath(f.path);
          if (!lang) continue;
          try {
            const tree = await host.parse(lang.id, f.text, f.path);
            tree.delete();
          } catch (err) {
            // A parse failure here means the figures would be meaningless; say which file.
            if (notices++ === 0) process.stderr.write(`inproc: parse failed for ${f.path}: ${String(err)}\n`);
          }
        }
        return { findings: 0, notices };
      },
    },
    analyzeMode('generation', gen),
    analyzeMode('full'),
  ];
  if (perRule) {
    for (const id of allIds) if (id !== 'aigc-generation-call') modes.push(analyzeMode(`+${id}`, new Set<RuleId>(['aigc-generation-call', id])));
  }

  // Warm-up: load every grammar, compile every query, let the JIT see each code path once.
  const sample = files.filter((_, i) => i % Math.max(1, Math.floor(files.length / 40)) === 0);
  for (const m of modes) await m.run(sample);

  const best: Record<string, { ms: number; findings: number; notices: number }> = {};
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no mode always pays for the first large parses (the wasm
    // heap grows then) or always runs last.
    const order = modes.map((_, i) => modes[(i + round) % modes.length]!);
    for (const m of order) {
      const t0 = performance.now();
      const r = await m.run(files);
      const ms = performance.now() - t0;
      if (!best[m.name] || ms < best[m.name]!.ms) best[m.name] = { ms, ...r };
    }
  }
  await host.dispose();
  process.stdout.write(`${JSON.stringify({ files: files.length, rules: allIds, modes: best, heapUsedMB: process.memoryUsage().heapUsed / 1e6 })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`inproc: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
