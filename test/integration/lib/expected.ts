/**
 * What the editor should show, computed by running the same engine in the test process. The end-to-end
 * tests compare the real VS Code against it instead of against hard-coded strings, so a message change in
 * a rule never needs a test edit, while a server that shows something else fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../../src/core/configLoader';
import { Engine } from '../../../src/core/engine';
import { primaryObligation } from '../../../src/server/convert';
import { shortMessage, type Translate } from '../../../src/shared/findingText';
import type { Finding, RuleId } from '../../../src/core/types';

let engine: Engine | undefined;

/** Findings of the engine (default config) for one file of a workspace, sorted by position. */
export async function engineFindings(workspace: string, relPath: string): Promise<Finding[]> {
  engine ??= new Engine();
  const text = fs.readFileSync(path.join(workspace, relPath), 'utf8');
  const r = await engine.analyze(relPath, text);
  return [...r.findings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** The first finding of a rule in a file, or a clear error naming what the engine produced instead. */
export async function engineFinding(workspace: string, relPath: string, ruleId: RuleId): Promise<Finding> {
  const all = await engineFindings(workspace, relPath);
  const f = all.find((x) => x.ruleId === ruleId);
  if (!f) {
    throw new Error(`the engine reports no ${ruleId} in ${relPath} (it reports: ${all.map((x) => `${x.ruleId}@${x.range.start.line + 1}`).join(', ') || 'nothing'})`);
  }
  return f;
}

/** The first line of a message, which the hover and Problems panel show verbatim. */
export function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** Fills `{0}`-style placeholders as `@vscode/l10n` does. */
function format(template: string, args: (string | number | boolean)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

/** A translator over the extension's l10n bundle for a display language (English: the keys themselves). */
export function translator(lang: 'en' | 'zh-cn'): Translate {
  const bundle: Record<string, string> = lang === 'en' ? {} : (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'l10n', `bundle.l10n.${lang}.json`), 'utf8')) as Record<string, string>);
  return (message, ...args) => format(bundle[message] ?? message, args);
}

/**
 * The one-line message the editor shows for a finding (Problems panel, squiggle hover), computed with
 * the server's own presentation code and the workspace's roles (they choose the article it names).
 */
export function shownMessage(f: Finding, workspace: string, lang: 'en' | 'zh-cn' = 'en'): string {
  const config = loadConfig(workspace).config;
  return shortMessage(f, primaryObligation(f, config), lang === 'en' ? 'en' : 'zh', translator(lang));
}
