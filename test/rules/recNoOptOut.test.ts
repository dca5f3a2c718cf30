import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Family } from '../../src/core/analysis/model';
import { Engine } from '../../src/core/engine';
import { statementStart } from '../../src/core/analysis/chunks';
import { languageForPath } from '../../src/core/languages';
import { personalMayApply, personalMayApplyByStatement } from '../../src/core/rules/recbio/personal';
import { FIXTURE_ROOT } from '../../scripts/precision';
import { itChecksRuleFixtures, parseExpectations } from './harness';

const RULE = 'rec-no-opt-out' as const;

describe(`rule ${RULE} (fixtures)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());

  itChecksRuleFixtures(RULE, () => engine);

  it('honours an opt-out check declared in the configuration', async () => {
    const file = path.join(FIXTURE_ROOT, RULE, 'services.js');
    const text = fs.readFileSync(file, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('return gorse.getRecommend({ userId: user.id }); // expect'));
    const before = await engine.analyze('services.js', text, { onlyRules: new Set([RULE]) });
    assert.ok(before.findings.some((f) => f.range.start.line === line));
    const configured = new Engine(engine.host, { ...engine.config, optOutChecks: ['allowsPersonalFeed'] });
    const after = await configured.analyze('services.js', text, { onlyRules: new Set([RULE]) });
    assert.ok(!after.findings.some((f) => f.range.start.line === line));
    assert.equal(after.findings.length, before.findings.length - 1);
  });

  it('points related information at the entry point that reaches the ranking', async () => {
    const text = fs.readFileSync(path.join(FIXTURE_ROOT, RULE, 'heuristic_rank.py'), 'utf8');
    const res = await engine.analyze('heuristic_rank.py', text, { onlyRules: new Set([RULE]) });
    const line = text.split('\n').findIndex((l) => l.includes('return np.argsort(-scores)  # expect'));
    const finding = res.findings.find((f) => f.range.start.line === line);
    assert.ok(finding, 'the helper ranking is reported');
    const related = finding.related?.[0];
    assert.ok(related, 'has related information');
    assert.equal(text.slice(related.range.startOffset, related.range.endOffset), 'for_you');
  });

  it('says what it saw, and that a switch elsewhere in the file is not a check on this path', async () => {
    const text = fs.readFileSync(path.join(FIXTURE_ROOT, RULE, 'recommender_service.go'), 'utf8');
    const res = await engine.analyze('recommender_service.go', text, { onlyRules: new Set([RULE]) });
    const line = text.split('\n').findIndex((l) => l.includes('return ext.Pull(s.userID)'));
    const finding = res.findings.find((f) => f.range.start.line === line);
    assert.ok(finding);
    assert.match(finding.message, /Pull\(\) with the user key `userID`/);
    assert.match(finding.message, /mentions `[^`]*[Pp]ersonali[sz]ed[^`]*`, but no such check runs before this ranking/);
  });

  it('names a switch the code holds, not one in a comment or a URL', async () => {
    // The first two functions of heuristic_rank.py: a ranking and the entry point that reaches it.
    const base = ['import numpy as np', '', '', 'def _rank_for_user(user, items):', '    emb = user_embedding(user.id)', '    scores = items.vectors @ emb', '    return np.argsort(-scores)  # expect', '', '', 'def for_you(user):', '    return _rank_for_user(user, all_items())', ''].join('\n');
    const messageWith = async (head: string): Promise<string> => {
      const text = head + base;
      const res = await engine.analyze('heuristic_rank.py', text, { onlyRules: new Set([RULE]) });
      const line = text.split('\n').findIndex((l) => l.includes('return np.argsort(-scores)  # expect'));
      const finding = res.findings.find((f) => f.range.start.line === line);
      assert.ok(finding, `the ranking is reported with ${JSON.stringify(head)}`);
      return finding.message;
    };
    assert.match(await messageWith(''), /No user setting/);
    assert.match(await messageWith('# TODO: read personalized_off from the profile\nDOCS = "https://example.com/help/opt_out"\n'), /No user setting/);
    assert.match(await messageWith('PERSONALIZED_OFF = False\n'), /mentions `PERSONALIZED_OFF`, but no such check runs before this ranking/);
  });

  it('keeps one finding per ranking function and none in offline training code', async () => {
    const text = fs.readFileSync(path.join(FIXTURE_ROOT, RULE, 'inhouse_factors.py'), 'utf8');
    const res = await engine.analyze('inhouse_factors.py', text, { onlyRules: new Set([RULE]) });
    const lines = text.split('\n');
    const fit = lines.findIndex((l) => l.includes('def fit'));
    assert.ok(!res.findings.some((f) => f.range.start.line > fit && f.range.start.line < fit + 4));
    const perLine = new Set(res.findings.map((f) => f.range.start.line));
    assert.equal(perLine.size, res.findings.length);
  });
});


describe('rec-no-opt-out prefilter (personalMayApply)', () => {
  it('skips type files whose ranking words are only field names', () => {
    const sdkTypes = [
      'export interface MessageParams {',
      '  user_id?: string;',
      '  query: SearchQuery;',
      '  top_k?: number;',
      '  score: number;',
      '}',
      'const sort = params.sort;',
      '',
    ].join('\n');
    assert.equal(personalMayApply(sdkTypes, 'js'), false);
  });

  it('keeps files that call a ranking name or declare a purpose-named function or type', () => {
    const user = 'const userId = req.user.id;\n';
    const cases: [string, Family][] = [
      [`${user}const items = model.topK(vectors, userId);\n`, 'js'],
      [`${user}const rows = sorted<Row>(items);\n`, 'js'],
      [`${user}export const getFeed = async (req) => db.load(userId);\n`, 'js'],
      ['class RecallService:\n    def get(self, user_id):\n        return self.store.fetch(user_id)\n', 'python'],
      ['func (s *FeedService) Get(ctx context.Context, userId string) []Item {\n\treturn s.store.Pull(userId)\n}\n', 'go'],
      ['List<Article> getTimeline(User user) { return repo.findAll(user.getId()); }\n', 'java'],
      ['feed = lambda user_id: store.fetch(user_id)\n', 'python'],
    ];
    for (const [code, family] of cases) assert.equal(personalMayApply(code, family), true, code);
  });

  it('does not count a ranking word inside a string or a comment', () => {
    assert.equal(personalMayApply('const userId = 1;\n// rank(items) for the user\nconst s = "topK(userId)";\n', 'js'), false);
  });
});

describe('rec-no-opt-out prefilter per top-level statement (personalMayApplyByStatement)', () => {
  const engine = new Engine();
  after(() => engine.host.dispose());
  /** The test as the rule runs it on a scanned file: statements from a real parse. */
  const byStatement = async (file: string, code: string): Promise<boolean> => {
    const language = languageForPath(file)!;
    const tree = await engine.host.parse(language.id, code, file);
    try {
      return personalMayApplyByStatement(code, language.family, (at) => statementStart(tree, at));
    } finally {
      tree.delete();
    }
  };

  it('passes over a bundle whose user names and ranking calls lie in different statements', async () => {
    const bundle = [
      'function toContent(text) {',
      "  return { role: 'user', parts: [{ text }], userHeaders: headersOf(text) };",
      '}',
      'function byIndex(parts) {',
      '  return parts.slice().sort((a, b) => a.index - b.index);',
      '}',
      '',
    ].join('\n');
    assert.equal(personalMayApply(bundle, 'js'), true, 'the file-wide test accepts it');
    assert.equal(await byStatement('index.mjs', bundle), false);
    // The same names in one function can rank for the user.
    assert.equal(await byStatement('index.mjs', bundle.replace('}\nfunction byIndex(parts) {\n', '')), true);
  });

  it('keeps a site whose user name is a parameter of an enclosing function, or whose purpose is its class or receiver', async () => {
    const cases: [string, string][] = [
      ['feed.ts', 'export function makeFeed(userId: string) {\n  return (items: Item[]) => items.sort(byAffinity);\n}\n'],
      ['feed.ts', 'export const getFeed = async (viewer: User) => {\n  return store.fetch(viewer.id);\n};\n'],
      ['recall.py', 'import store\n\nclass RecallService:\n    def get(self, user_id):\n        return store.fetch(user_id)\n'],
      ['recall.go', 'package r\n\nfunc (s *FeedService) Get(ctx context.Context, userId string) []Item {\n\treturn s.store.Pull(userId)\n}\n'],
      ['Timeline.java', 'class Timeline {\n  List<Article> getTimeline(User user) { return repo.findAll(user.getId()); }\n}\n'],
    ];
    for (const [file, code] of cases) assert.equal(await byStatement(file, code), true, code);
  });

  it('accepts every fixture file that expects an in-house ranking', async () => {
    let checked = 0;
    for (const name of fs.readdirSync(path.join(FIXTURE_ROOT, RULE))) {
      const file = path.join(FIXTURE_ROOT, RULE, name);
      const text = fs.readFileSync(file, 'utf8');
      if (!parseExpectations(text).some((e) => e.ruleId === RULE && e.attrs.confidence === 'low')) continue;
      checked++;
      assert.equal(await byStatement(name, text), true, name);
    }
    assert.ok(checked >= 8, `only ${checked} fixture files checked`);
  });
});
