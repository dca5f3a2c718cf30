/**
 * The extension manifest against the code: every contributed command is registered and titled
 * in both languages, every setting has a scope and a localized markdown description and matches
 * src/shared/settings.ts, the l10n bundle covers every UI string of the client and the server,
 * the protocol doc lists every custom method, and the files the manifest points at exist.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import rulesData from '../../../data/rules.json';
import { CUSTOM_METHODS } from '../../../src/shared/protocol';
import { DEFAULT_SETTINGS, normalizeSettings, SETTING_ENUMS, SETTINGS } from '../../../src/shared/settings';

const ROOT = path.resolve(__dirname, '../../..');
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const json = <T>(rel: string): T => JSON.parse(read(rel)) as T;

interface Manifest {
  main: string;
  l10n: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string }[]>;
    configuration: { properties: Record<string, { scope?: string; markdownDescription?: string; default?: unknown; enum?: string[]; items?: { enum?: string[] }; properties?: Record<string, { enum: string[] }> }> };
    views: Record<string, { id: string; name: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string; title: string }[] };
    walkthroughs: { steps: { title: string; description: string; media: { markdown?: string } }[]; title: string; description: string }[];
    jsonValidation: { fileMatch: string; url: string }[];
    grammars: { scopeName: string; path: string; injectTo: string[] }[];
  };
}

const pkg = json<Manifest>('package.json');
const nlsEn = json<Record<string, string>>('package.nls.json');
const nlsZh = json<Record<string, string>>('package.nls.zh-cn.json');
const bundleZh = json<Record<string, string>>('l10n/bundle.l10n.zh-cn.json');

function filesUnder(dir: string, filter: (f: string) => boolean): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter(filter).map((f) => path.join(abs, f));
}

const clientSources = filesUnder('src/client', (f) => f.endsWith('.ts')).map((f) => fs.readFileSync(f, 'utf8'));

/** `%key%` → key, else undefined. */
const nlsKey = (v: string | undefined): string | undefined => /^%(.+)%$/.exec(v ?? '')?.[1];

describe('extension manifest', function () {
  it('registers every contributed command in the client code', function () {
    const missing: string[] = [];
    for (const { command } of pkg.contributes.commands) {
      const id = command.replace(/\./g, '\\.');
      const direct = new RegExp(`registerCommand\\(\\s*['"\`]${id}['"\`]`);
      const mapKey = new RegExp(`['"\`]${id}['"\`]\\s*:`);
      // A constant holding the id, passed to registerCommand by name.
      const constant = new RegExp(`(?:const|readonly)\\s+(\\w+)\\s*(?::\\s*\\w+\\s*)?=\\s*['"\`]${id}['"\`]`);
      // A local helper that wraps registerCommand, called with the id first (`command('id', ...)`).
      const helper = new RegExp(`(?<!executeCommand)\\(\\s*['"\`]${id}['"\`]\\s*,`);
      const registered = clientSources.some((src) => {
        if (direct.test(src) || mapKey.test(src)) return true;
        if (/registerCommand\(/.test(src) && helper.test(src)) return true;
        const m = constant.exec(src);
        return !!m && clientSources.some((s) => new RegExp(`registerCommand\\(\\s*(?:\\w+\\.)?${m[1]}\\b`).test(s));
      });
      if (!registered) missing.push(command);
    }
    assert.deepEqual(missing, [], `contributed but never registered: ${missing.join(', ')}`);
  });

  it('contributes the command ids of the shared interface, each titled in English and Chinese', function () {
    const ids = pkg.contributes.commands.map((c) => c.command);
    for (const id of ['aireg.scanWorkspace', 'aireg.lookupObligation', 'aireg.openObligation', 'aireg.openChecklist', 'aireg.exportChecklist', 'aireg.openArticle', 'aireg.restartServer', 'aireg.showOutput', 'aireg.suppressFinding']) {
      assert.ok(ids.includes(id), `${id} is contributed`);
    }
    for (const c of pkg.contributes.commands) {
      assert.ok(c.command.startsWith('aireg.'), `${c.command} uses the one prefix`);
      assert.equal(c.category, 'aireg');
      const key = nlsKey(c.title);
      assert.ok(key, `${c.command} title is localized (%key%)`);
      assert.ok(nlsEn[key]?.trim(), `${key} has an English title`);
      assert.ok(nlsZh[key]?.trim(), `${key} has a Chinese title`);
      assert.notEqual(nlsZh[key], nlsEn[key], `${key} is translated`);
    }
  });

  it('has the same keys in package.nls.json and package.nls.zh-cn.json, and every %key% in package.json exists', function () {
    assert.deepEqual(Object.keys(nlsZh).sort(), Object.keys(nlsEn).sort());
    const used = [...read('package.json').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
    assert.ok(used.length > 20);
    const missing = used.filter((k) => !(k in nlsEn));
    assert.deepEqual(missing, []);
  });

  it('gives every setting a scope and a localized markdown description', function () {
    for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
      assert.ok(key.startsWith('aireg.'), key);
      assert.ok(p.scope, `${key} has a scope`);
      const k = nlsKey(p.markdownDescription);
      assert.ok(k && nlsEn[k] && nlsZh[k], `${key} has a markdownDescription in both languages`);
    }
  });

  it('matches src/shared/settings.ts: keys, scopes, defaults and enums', function () {
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), SETTINGS.map((s) => s.key).sort());
    for (const s of SETTINGS) {
      assert.equal(props[s.key]!.scope, s.scope, `${s.key} scope`);
      assert.deepEqual(props[s.key]!.default, s.default, `${s.key} default`);
    }
    assert.deepEqual(props['aireg.roles']!.items!.enum, [...SETTING_ENUMS.roles]);
    assert.deepEqual(props['aireg.jurisdictions']!.items!.enum, [...SETTING_ENUMS.jurisdictions]);
    const ruleIds = rulesData.rules.map((r) => r.id).sort();
    assert.deepEqual(Object.keys(props['aireg.rules']!.properties!).sort(), ruleIds, 'aireg.rules lists every rule of data/rules.json');
    for (const r of Object.values(props['aireg.rules']!.properties!)) assert.deepEqual(r.enum, [...SETTING_ENUMS.severities]);
    // The schema in the manifest is what VS Code validates; the config schema of .aireg.json agrees on roles.
    const configSchema = json<{ properties: { roles: { items: { enum: string[] } } } }>('data/schemas/aireg-config.schema.json');
    assert.deepEqual([...configSchema.properties.roles.items.enum].sort(), [...SETTING_ENUMS.roles].sort());
  });

  it('normalizes bad settings key by key', function () {
    assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings('nonsense'), DEFAULT_SETTINGS);
    const s = normalizeSettings({
      enable: 'yes',
      run: 'onSave',
      rules: { 'aigc-missing-label': 'error', 'rec-no-opt-out': { severity: 'off' }, bad: 'loud', x: 3 },
      roles: ['service-provider', 'king', 5, 'service-provider'],
      jurisdictions: 'CN',
      maxFileSize: -1,
      findings: { groupBy: 'file' },
    });
    assert.equal(s.enable, true, 'a non-boolean keeps the default');
    assert.equal(s.run, 'onSave');
    assert.deepEqual(s.rules, { 'aigc-missing-label': 'error', 'rec-no-opt-out': 'off' });
    assert.deepEqual(s.roles, ['service-provider']);
    assert.deepEqual(s.jurisdictions, []);
    assert.equal(s.maxFileSize, 0);
    assert.equal(s.groupBy, 'file');
  });

  it('declares limited support for untrusted workspaces, restricting only real settings', function () {
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.ok(nlsKey(u.description) && nlsEn[nlsKey(u.description)!], 'the limitation is described');
    const keys = Object.keys(pkg.contributes.configuration.properties);
    for (const r of u.restrictedConfigurations ?? []) assert.ok(keys.includes(r), `${r} is a setting`);
    assert.ok(u.restrictedConfigurations?.includes('aireg.rules'));
  });

  it('points at files that exist: entry, l10n, icons, walkthrough media, schema, grammar', function () {
    assert.equal(pkg.main, './dist/client.js');
    assert.ok(fs.existsSync(path.join(ROOT, 'src/client/extension.ts')), 'the entry is built from src/client/extension.ts');
    assert.equal(pkg.l10n, './l10n');
    for (const c of pkg.contributes.viewsContainers.activitybar) assert.ok(fs.existsSync(path.join(ROOT, c.icon)), c.icon);
    assert.ok(pkg.contributes.views[pkg.contributes.viewsContainers.activitybar[0]!.id]!.some((v) => v.id === 'aireg.findings'));
    for (const w of pkg.contributes.walkthroughs) {
      assert.ok(w.steps.length >= 3);
      for (const s of w.steps) {
        assert.ok(nlsEn[nlsKey(s.title)!] && nlsZh[nlsKey(s.description)!]);
        if (s.media.markdown) assert.ok(fs.existsSync(path.join(ROOT, s.media.markdown)), s.media.markdown);
      }
    }
    const jv = pkg.contributes.jsonValidation.find((j) => j.fileMatch === '.aireg.json');
    assert.ok(jv && fs.existsSync(path.join(ROOT, jv.url)), 'the .aireg.json schema is registered and exists');
    for (const g of pkg.contributes.grammars) assert.ok(fs.existsSync(path.join(ROOT, g.path)), g.path);
    // Shipping needs these in the .vscodeignore allowlist.
    const ignore = read('.vscodeignore');
    for (const p of ['!dist/server.js', '!dist/client.js', '!l10n/**', '!syntaxes/**', '!media/**', '!data/schemas/**', '!package.nls.zh-cn.json']) assert.ok(ignore.includes(p), p);
  });

  it('activates for the analysed languages and for workspaces with .aireg.json', function () {
    for (const lang of ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python', 'go', 'java']) {
      assert.ok(pkg.activationEvents.includes(`onLanguage:${lang}`), lang);
    }
    assert.ok(pkg.activationEvents.includes('workspaceContains:.aireg.json'));
  });
});

describe('localization bundle', function () {
  /** String literals passed to `l10n.t(...)` / `t(...)` in the given files. */
  function uiStrings(files: string[], call: RegExp): string[] {
    const out = new Set<string>();
    for (const f of files) {
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(call)) out.add((m[1] ?? m[2]!).replace(/\\'/g, "'").replace(/\\"/g, '"'));
    }
    return [...out];
  }

  it('translates every client and server UI string, keeping placeholders', function () {
    // The whole client shares one bundle, panels included.
    const client = uiStrings(filesUnder('src/client', (f) => f.endsWith('.ts')), /l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g);
    // Single- or double-quoted (a message with an apostrophe); the shared one-line messages too.
    const serverFiles = [...filesUnder('src/server', (f) => f.endsWith('.ts')), ...filesUnder('src/cli', (f) => f.endsWith('.ts')), path.join(ROOT, 'src/shared/findingText.ts')];
    const server = uiStrings(serverFiles, /\bt\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g);
    assert.ok(client.length > 15 && server.length > 15, `found ${client.length} client and ${server.length} server strings`);
    const missing = [...client, ...server].filter((s) => !(s in bundleZh));
    assert.deepEqual(missing, [], 'strings without a zh-cn translation');
    for (const [en, zh] of Object.entries(bundleZh)) {
      const ph = (s: string): string[] => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(ph(zh), ph(en), `placeholders of "${en}"`);
      // Chinese characters or full-width punctuation show the string was translated.
      assert.ok(/[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]/.test(zh), `"${en}" is translated: "${zh}"`);
    }
  });
});

describe('protocol documentation', function () {
  it('docs/architecture.md lists every custom method of src/shared/protocol.ts and no other', function () {
    const doc = read('docs/architecture.md');
    const documented = [...doc.matchAll(/^\| `(aireg\/[^`]+)` \|/gm)].map((m) => m[1]!);
    assert.deepEqual([...documented].sort(), [...CUSTOM_METHODS].sort());
  });
});

describe('suppression comment grammar', function () {
  interface Grammar {
    scopeName: string;
    injectionSelector: string;
    repository: { directive: { match: string; captures: Record<string, { name: string }> } };
  }
  const grammar = json<Grammar>('syntaxes/aireg-suppression.injection.tmLanguage.json');
  // The pattern uses only features Oniguruma and JavaScript share, so JS can check it.
  const re = new RegExp(grammar.repository.directive.match);

  it('captures the directive, the rule ids and the reason', function () {
    const m = re.exec('# aireg-disable-next-line aigc-missing-label, rec-no-opt-out -- labeled by the CDN 标识');
    assert.ok(m);
    assert.equal(m[1], 'aireg-disable-next-line');
    assert.equal(m[2], 'aigc-missing-label, rec-no-opt-out');
    assert.equal(m[3], '--');
    assert.equal(m[4], 'labeled by the CDN 标识');
    const block = re.exec('/* aireg-disable-line biometric-no-consent -- consent stored upstream */');
    assert.equal(block?.[4], 'consent stored upstream', 'the reason stops before */');
    const noReason = re.exec('// aireg-disable-line aigc-generation-call');
    assert.equal(noReason?.[2], 'aigc-generation-call');
    assert.equal(noReason?.[4], undefined);
    assert.equal(re.exec('// my-aireg-disable-linex'), null);
  });

  it('is injected into comments of every analysed language', function () {
    assert.match(grammar.injectionSelector, /comment/);
    const g = pkg.contributes.grammars.find((x) => x.scopeName === grammar.scopeName);
    assert.ok(g);
    for (const scope of ['source.ts', 'source.tsx', 'source.js', 'source.python', 'source.go', 'source.java']) assert.ok(g.injectTo.includes(scope), scope);
    assert.deepEqual(Object.values(grammar.repository.directive.captures).map((c) => c.name.split('.').at(-1)), ['aireg', 'aireg', 'aireg', 'aireg']);
  });
});
