/**
 * The effective configuration of one workspace folder: `.aireg.json` (loaded by the core loader)
 * overlaid with the user's `aireg.*` settings. Severity resolves rule default → `.aireg.json` →
 * user setting, the same order the CLI uses for its two layers.
 */
import { type AiregConfig, DEFAULT_CONFIG, type Jurisdiction, type Role } from '../core/config';
import { ruleMeta } from '../core/ruleMeta';
import { SEVERITY_ORDER, type RuleId, type Severity } from '../core/types';
import type { AiregSettings } from '../shared/settings';

export interface MergedConfig {
  config: AiregConfig;
  /**
   * What of `.aireg.json` was ignored because the workspace is untrusted: rule ids whose severity
   * was lowered, and the names of keys that could only hide findings.
   */
  ignoredInRestrictedMode: string[];
}

function fileSeverity(setting: AiregConfig['rules'][RuleId]): Severity | undefined {
  if (typeof setting === 'string') return setting;
  return setting?.severity;
}

/** Resets the keys of an untrusted file that could only hide findings; returns their names. */
function restrictKeys(config: AiregConfig): string[] {
  const ignored: string[] = [];
  if (config.maxFileBytes < DEFAULT_CONFIG.maxFileBytes) {
    config.maxFileBytes = DEFAULT_CONFIG.maxFileBytes;
    ignored.push('maxFileBytes');
  }
  for (const key of ['include', 'exclude', 'labelFunctions', 'optOutChecks', 'consentChecks'] as const) {
    if (config[key].length) {
      config[key] = [];
      ignored.push(key);
    }
  }
  if (!DEFAULT_CONFIG.roles.every((r) => config.roles.includes(r))) {
    config.roles = [...new Set([...DEFAULT_CONFIG.roles, ...config.roles])];
    ignored.push('roles');
  }
  if (!DEFAULT_CONFIG.jurisdictions.every((j) => config.jurisdictions.includes(j))) {
    config.jurisdictions = [...new Set([...DEFAULT_CONFIG.jurisdictions, ...config.jurisdictions])];
    ignored.push('jurisdictions');
  }
  return ignored;
}

/**
 * Merges a folder's `.aireg.json` with the user's settings. In an untrusted workspace the
 * repository may raise a rule's severity but not lower it or switch it off, and every other key
 * that could only reduce findings is ignored (a smaller size limit, include/exclude globs, the
 * team's label, opt-out and consent functions, switching terminal exits off); roles and jurisdictions may add to the defaults
 * but not drop one. An untrusted folder must not be able to hide its own findings. (aireg never executes workspace code, so reading
 * the repository's data is otherwise safe; workspace-level `aireg.rules`/`aireg.enable` values
 * are withheld by VS Code itself through `restrictedConfigurations`.)
 */
export function mergeConfig(fileConfig: AiregConfig, settings: AiregSettings, trusted: boolean): MergedConfig {
  const config: AiregConfig = structuredClone(fileConfig);
  const ignored: string[] = [];
  if (!trusted) {
    for (const [id, setting] of Object.entries(config.rules) as [RuleId, AiregConfig['rules'][RuleId]][]) {
      const sev = fileSeverity(setting);
      const def = ruleMeta(id)?.defaultSeverity ?? 'warning';
      if (sev && SEVERITY_ORDER.indexOf(sev) < SEVERITY_ORDER.indexOf(def)) {
        delete config.rules[id];
        ignored.push(id);
        continue;
      }
      // Turning terminal exits off only removes findings (printed replies stay unreported).
      if (typeof setting === 'object' && setting.terminalExits === false) {
        delete setting.terminalExits;
        ignored.push(`${id}.terminalExits`);
      }
    }
    ignored.push(...restrictKeys(config));
  }
  for (const [id, sev] of Object.entries(settings.rules)) {
    if (ruleMeta(id)) config.rules[id as RuleId] = sev;
  }
  if (settings.roles.length) config.roles = settings.roles as Role[];
  if (settings.jurisdictions.length) config.jurisdictions = settings.jurisdictions as Jurisdiction[];
  if (settings.maxFileSize > 0) config.maxFileBytes = settings.maxFileSize;
  return { config, ignoredInRestrictedMode: ignored };
}
