/**
 * Who is changing the checklist: git's `user.name`, read from the config files directly. aireg
 * never runs `git` here, because a workspace can point git at programs of its own (hooks,
 * `core.fsmonitor`, credential helpers) and opening a folder must not execute its code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NAME_MAX, truncateText } from './model';
import { readTextFileSync } from '../readFile';

/**
 * Extracts `user.name` from the text of a git config file (the last one wins, as in git).
 * Handles `[user]` sections, quoted values, escapes and `#`/`;` comments.
 */
export function parseGitUserName(text: string): string | undefined {
  let section = '';
  let name: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"[^"]*")?\s*\]\s*(.*)$/.exec(line);
    if (header) {
      section = header[1].toLowerCase();
      // A key may follow the header on the same line: `[user] name = x`.
      if (!header[2]) continue;
      const rest = header[2];
      const v = keyValue(rest);
      if (section === 'user' && v && v.key === 'name') name = v.value;
      continue;
    }
    if (section !== 'user') continue;
    const v = keyValue(line);
    if (v && v.key === 'name') name = v.value;
  }
  return name?.trim() || undefined;
}

function keyValue(line: string): { key: string; value: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*)$/.exec(line);
  if (!m) return undefined;
  let value = '';
  let quoted = false;
  const s = m[2];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      const n = s[++i];
      value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '#' || c === ';')) break;
    else value += c;
  }
  return { key: m[1].toLowerCase(), value: value.trim() };
}

/** Git config files and `.git` links are small; a larger one (or a FIFO) is not read. */
const GIT_FILE_MAX_BYTES = 1024 * 1024;

function readText(file: string): string | undefined {
  try {
    return readTextFileSync(file, GIT_FILE_MAX_BYTES);
  } catch {
    return undefined;
  }
}

/** The repository's git directory, following a `.git` file (worktrees, submodules). */
function gitDir(root: string): string | undefined {
  const dotGit = path.join(root, '.git');
  try {
    const st = fs.statSync(dotGit);
    if (st.isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+)$/m.exec(readTextFileSync(dotGit, GIT_FILE_MAX_BYTES));
    if (m) return path.resolve(root, m[1].trim());
  } catch {
    // No repository: only the user's global config can name them.
  }
  return undefined;
}

/**
 * Resolves the name to record for a change: repository config, then the global configs, then
 * the OS account name. `env` and `home` are parameters so tests can point them at a temp folder.
 */
export function resolveUserName(root: string | undefined, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const files: string[] = [];
  const xdg = env.XDG_CONFIG_HOME || path.join(home, '.config');
  files.push(path.join(xdg, 'git', 'config'), path.join(home, '.gitconfig'));
  const dir = root ? gitDir(root) : undefined;
  if (dir) files.push(path.join(dir, 'config'));
  let name: string | undefined;
  // Later files override earlier ones, as git's own precedence does.
  for (const f of files) {
    const text = readText(f);
    const n = text === undefined ? undefined : parseGitUserName(text);
    if (n) name = n;
  }
  if (env.GIT_AUTHOR_NAME?.trim()) name = env.GIT_AUTHOR_NAME.trim();
  // The state file allows 200 characters; a longer name would make every save invalid.
  if (name) return truncateText(name, NAME_MAX);
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
