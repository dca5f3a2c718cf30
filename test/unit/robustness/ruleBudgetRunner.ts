/**
 * Runs the engine with one misbehaving rule in a child process (so a rule that never stops fails
 * the suite by its timeout instead of freezing it) and prints the result as JSON.
 */
import { Engine } from '../../../src/core/engine';
import type { Rule } from '../../../src/core/rules/rule';

const kind = process.argv[2];
const SOURCE = 'export function f(a: number): number {\n  return a + 1;\n}\n'.repeat(50);

const rules: Record<string, Rule> = {
  // Reports the same finding forever.
  'report-forever': {
    id: 'aigc-missing-label',
    run(ctx) {
      const range = { startOffset: 0, endOffset: 1, start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
      for (;;) ctx.report({ ruleId: 'aigc-missing-label', range, message: 'again', confidence: 'high' });
    },
  },
  // Runs tree-sitter queries forever, reporting nothing.
  'query-forever': {
    id: 'aigc-missing-label',
    async run(ctx) {
      const q = await ctx.host.query(ctx.language.id, 'budget-test', '(identifier) @id');
      const seen: number[] = [];
      for (;;) seen[0] = q.captures(ctx.tree.rootNode).length;
    },
  },
  // A loop of its own that checks the budget, as rule authors are asked to.
  'own-loop': {
    id: 'aigc-missing-label',
    run(ctx) {
      for (;;) ctx.budget?.check();
    },
  },
  // Overruns without any check, then finishes: complete results, but a notice.
  'slow-finish': {
    id: 'aigc-missing-label',
    run(ctx) {
      const range = { startOffset: 0, endOffset: 1, start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
      ctx.report({ ruleId: 'aigc-missing-label', range, message: 'early, then slow', confidence: 'high' });
      const end = performance.now() + 300;
      while (performance.now() < end) {
        // Busy on purpose, without checking the budget.
      }
    },
  },
};

async function main(): Promise<void> {
  const engine = new Engine(undefined, undefined, { ruleBudgetMs: 100, rules: [rules[kind]!] });
  const { tree: _t, ...r } = await engine.analyze('budget.ts', SOURCE);
  process.stdout.write(JSON.stringify({ notices: r.notices, findings: r.findings.length }));
  await engine.host.dispose();
}
void main();
