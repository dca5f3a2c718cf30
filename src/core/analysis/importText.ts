/**
 * The module specifiers a file imports, read from its text without a parse. Shared by the
 * engine's triage (a file that imports a file the prefilters accept deserves a parse) and the
 * workspace model (a file whose imports can define nothing of interest needs no file model).
 */
import type { LanguageInfo } from '../languages';

const JS_IMPORT = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const JAVA_IMPORT = /^[ \t]*import[ \t]+(?:static[ \t]+)?([\w.]+)[ \t]*;/gm;
/**
 * `Type name;`, `Type<X> name =`, `(Type name,`: a declared field, local or parameter type; also
 * `new Type(` and a static call `Type.method(`.
 */
const JAVA_DECLARED_TYPE = /\b([A-Z]\w*)(?:<[^<>;]*(?:<[^<>;]*>[^<>;]*)*>)?[ \t]+[a-z_]\w*[ \t]*[;=,)]|\bnew[ \t]+([A-Z]\w*)|\b([A-Z]\w*)\.[a-z]\w*\(/g;
/** A quoted Go import path with a domain (standard-library paths have none). */
const GO_IMPORT = /"([\w-]+(?:\.[\w-]+)+\/[^"\s]+)"/g;
const PY_IMPORT = /^[ \t]*(?:from[ \t]+([.\w]+)[ \t]+import[ \t]*\(?([\w, \t]*)|import[ \t]+([\w.]+))/gm;

/** `import type ... from` (TypeScript, erased) or a re-export `export ... from` (binds no local name). */
const NO_VALUE_HEAD = /^(?:export\b|import\s+type\s+(?:[{*]|[A-Za-z_$][\w$]*\s+from\b))/;

/**
 * Whether a matched `import|export ... from '...'` statement brings the file no value it could
 * call: a type-only import or a re-export. Such a statement names a module without letting the
 * file use anything from it, so it must not give the file a parse of its own. Only a statement
 * that starts its line and holds no other `import` is taken for one (the pattern may start on a
 * word in a comment, or on an `export` before a real import in code without semicolons).
 */
function bindsNoValue(text: string, at: number, statement: string): boolean {
  if (!NO_VALUE_HEAD.test(statement) || /\bimport\b/.test(statement.slice(6))) return false;
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * The JS import statements, `require` calls and dynamic imports of a text that can bind a value,
 * in order, with their specifiers (a type-only import or a re-export binds none).
 */
function* jsImports(text: string): Generator<{ m: RegExpExecArray; spec: string }> {
  JS_IMPORT.lastIndex = 0;
  for (let m = JS_IMPORT.exec(text); m; m = JS_IMPORT.exec(text)) {
    if (m[1] !== undefined && bindsNoValue(text, m.index, m[0])) continue;
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec) yield { m, spec };
  }
}

/**
 * The module specifiers a file imports, read from its text without a parse (a superset is fine:
 * a specifier that is not really an import only costs a lookup). Used to give a parse to a file
 * that imports a file the prefilter accepted, because with the workspace model a constant, a
 * client or a wrapper defined there makes calls in the importing file generation calls.
 */
export function importSpecifiers(text: string, language: LanguageInfo): string[] {
  const out = new Set<string>();
  if (language.family === 'js') {
    for (const { spec } of jsImports(text)) out.add(spec);
  } else if (language.family === 'python') {
    PY_IMPORT.lastIndex = 0;
    for (let m = PY_IMPORT.exec(text); m; m = PY_IMPORT.exec(text)) {
      const from = m[1];
      if (!from) {
        if (m[3]) out.add(m[3]);
        continue;
      }
      out.add(from);
      // `from pkg import module` imports a module file as much as `import pkg.module` does.
      for (const name of (m[2] ?? '').split(',')) {
        const n = name.trim();
        if (/^\w+$/.test(n)) out.add(from.endsWith('.') ? from + n : `${from}.${n}`);
      }
    }
  } else if (language.family === 'java') {
    // Imported classes, and the types the file declares values with: a class of its own package
    // needs no import (a bare name is looked up in the file's folder).
    JAVA_IMPORT.lastIndex = 0;
    for (let m = JAVA_IMPORT.exec(text); m; m = JAVA_IMPORT.exec(text)) if (!/^javax?\./.test(m[1]!)) out.add(m[1]!);
    JAVA_DECLARED_TYPE.lastIndex = 0;
    for (let m = JAVA_DECLARED_TYPE.exec(text); m && out.size < 96; m = JAVA_DECLARED_TYPE.exec(text)) out.add(m[1] ?? m[2] ?? m[3]!);
  } else if (language.family === 'go') {
    GO_IMPORT.lastIndex = 0;
    for (let m = GO_IMPORT.exec(text); m; m = GO_IMPORT.exec(text)) out.add(m[1]!);
  }
  return [...out];
}

/**
 * What a file takes from a module: the exported names it imports, or `'*'` when it takes the
 * module itself (a namespace, a default export, `require`, a Python module) or names the text
 * does not list plainly.
 */
export type ImportedNames = readonly string[] | '*';

const JS_NAMED = /^\s*import\s+(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:(\*)|\{([^}]*)\})?\s*from\b/;
const JS_IDENT = /^[A-Za-z_$][\w$]*$/;

/** The names of a JS `import ... from` statement, by the rules of {@link ImportedNames}. */
function jsStatementNames(statement: string): ImportedNames {
  const m = JS_NAMED.exec(statement);
  // A default import binds whatever the module's default export is; a namespace all of it.
  if (!m || m[1] !== undefined || m[2] !== undefined || m[3] === undefined) return '*';
  const names: string[] = [];
  for (const part of m[3].split(',')) {
    // `type X` is erased; `X as Y` imports the exported name X.
    const words = part.trim().split(/\s+/);
    if (words[0] === 'type' && words.length > 1 && words[1] !== 'as') continue;
    const name = words[0];
    if (!name) continue;
    if (!JS_IDENT.test(name)) return '*';
    names.push(name);
  }
  return names;
}

/** The names after `import` in a Python `from X import ...` statement that starts at `from`. */
function pyImportedNames(text: string, at: number): ImportedNames {
  const rest = /^from[ \t]+[.\w]+[ \t]+import[ \t]*/.exec(text.slice(at, at + 400));
  if (!rest) return '*';
  const i = at + rest[0].length;
  let list: string;
  if (text.charCodeAt(i) === 40 /* ( */) {
    const close = text.indexOf(')', i);
    if (close < 0 || close - i > 8192) return '*';
    list = text.slice(i + 1, close).replace(/#[^\n]*/g, '');
  } else {
    const eol = text.indexOf('\n', i);
    list = text.slice(i, eol < 0 ? text.length : eol).replace(/#.*/, '');
    if (list.trimEnd().endsWith('\\')) return '*';
  }
  const names: string[] = [];
  for (const part of list.split(',')) {
    const name = part.trim().split(/\s+/)[0];
    if (!name) continue;
    if (!/^\w+$/.test(name)) return '*';
    names.push(name);
  }
  return names.length ? names : '*';
}

/** Module bindings per file whose members are read (each costs a pass over the text). */
const MAX_MEMBER_SCANS = 16;

/**
 * The names a file reads off a module bound to `binding` (`ns.a`, `mod.b`): `'*'` when it also
 * uses the binding itself (passes the module on, calls it), so that what it takes is unknown.
 */
function memberNames(text: string, binding: string, budget: { left: number }): ImportedNames {
  // Each binding is one pass over the text: a file with many is read for the first few only.
  if (--budget.left < 0) return '*';
  const escaped = binding.replace(/[.$]/g, (c) => `\\${c}`);
  const names = new Set<string>();
  let bare = 0;
  for (const m of text.matchAll(new RegExp(`(?<![\\w$./'"@-])${escaped}(?![\\w$'"/-])(\\s*\\.\\s*([A-Za-z_$][\\w$]*))?`, 'g'))) {
    if (m[2] !== undefined) names.add(m[2]);
    // The binding's own statement is one bare use (a module path is not one: `./util`); more
    // mean the module itself is used.
    else if (++bare > 1) return '*';
    if (names.size > 256) return '*';
  }
  return names.size ? [...names] : '*';
}

/** What a `require(...)` at `at` takes: destructured names, a bound name's members, or the module. */
function requiredNames(text: string, at: number, budget: { left: number }): ImportedNames {
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const before = text.slice(Math.max(lineStart, at - 200), at);
  const destructured = /(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:await\s+)?$/.exec(before);
  if (destructured) {
    const names: string[] = [];
    for (const part of destructured[1]!.split(',')) {
      const name = /^\s*([A-Za-z_$][\w$]*)/.exec(part)?.[1];
      if (!name) return '*';
      names.push(name);
    }
    return names.length ? names : '*';
  }
  // `const x = require('m')`, also as TypeScript emits it (`__importStar(require('m'))`).
  const bound = /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?(?:__import(?:Star|Default)\s*\(\s*)?$/.exec(before);
  return bound ? memberNames(text, bound[1]!, budget) : '*';
}

/**
 * For each module specifier a file imports (as {@link importSpecifiers} lists them), what it
 * takes from it; undefined for languages whose imports name packages, not values (Java, Go).
 * A specifier imported by several statements takes the union; `'*'` wins.
 */
export function importedNames(text: string, language: LanguageInfo): Map<string, ImportedNames> | undefined {
  const out = new Map<string, ImportedNames>();
  const budget = { left: MAX_MEMBER_SCANS };
  const add = (spec: string, names: ImportedNames): void => {
    const had = out.get(spec);
    if (had === '*' || names === '*') out.set(spec, '*');
    else out.set(spec, had ? [...new Set([...had, ...names])] : names);
  };
  if (language.family === 'js') {
    for (const { m, spec } of jsImports(text)) {
      // A plain `import ... from` lists names; a namespace import or a `require` bound to a
      // name takes what the file reads off that name; anything else takes the module.
      let names: ImportedNames = '*';
      if (m[1] !== undefined && /^import\b/.test(m[0])) {
        names = jsStatementNames(m[0]);
        const ns = names === '*' ? /^\s*import\s+\*\s*as\s+([A-Za-z_$][\w$]*)\s+from\b/.exec(m[0])?.[1] : undefined;
        if (ns) names = memberNames(text, ns, budget);
      } else if (m[3] !== undefined) names = requiredNames(text, m.index, budget);
      add(spec, names);
    }
    return out;
  }
  if (language.family === 'python') {
    PY_IMPORT.lastIndex = 0;
    for (let m = PY_IMPORT.exec(text); m; m = PY_IMPORT.exec(text)) {
      const from = m[1];
      if (!from) {
        // `import a.b` reads `a.b.x`; `import a.b as c` reads `c.x`.
        if (m[3]) {
          const alias = /^[ \t]*as[ \t]+(\w+)/.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 80))?.[1];
          add(m[3], memberNames(text, alias ?? m[3], budget));
        }
        continue;
      }
      const names = pyImportedNames(text, m.index + m[0].indexOf('from'));
      add(from, names);
      // `from pkg import module`: the specifier `pkg.module` is a module the file takes whole.
      if (names !== '*') for (const n of names) add(from.endsWith('.') ? from + n : `${from}.${n}`, '*');
    }
    return out;
  }
  return undefined;
}

/** Files larger than this are not split into declarations (their exports count as all relevant). */
const MAX_EXPORT_SCAN_CHARS = 2 * 1024 * 1024;

/** A JS declaration that starts a line: the name it declares (or the names of a destructuring). */
const JS_DECL = /^(?:export[ \t]+)?(?:declare[ \t]+)?(?:(?:async[ \t]+)?function\b\*?[ \t]*([A-Za-z_$][\w$]*)|(?:abstract[ \t]+)?class[ \t]+([A-Za-z_$][\w$]*)|(?:const|let|var)[ \t]+(?:([A-Za-z_$][\w$]*)|([{[][^=]*)=)|(?:interface|type|enum|namespace)[ \t]+([A-Za-z_$][\w$]*))/;
/** A CommonJS export of one name: `exports.name = ...`, `module.exports.name = ...`. */
const CJS_EXPORT = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)[ \t]*=/;
/** Module-level statements after which the exported names are not the declared ones. */
const JS_OPAQUE_EXPORTS = /^(?:export[ \t]*\*|module\.exports[ \t]*=|(?:[\w$]+\.)?__exportStar\(|export[ \t]*\{[^}]*\bas\b)/;
/** A CommonJS export defined as a property (TypeScript's re-exports): `Object.defineProperty(exports, "name", ...)`. */
const CJS_DEFINED_EXPORT = /^Object\.defineProperty\([ \t]*(?:module\.)?exports[ \t]*,[ \t]*["']([\w$]+)["']/;
const PY_DECL = /^(?:async[ \t]+)?def[ \t]+(\w+)|^class[ \t]+(\w+)|^([A-Za-z_][\w, \t]*?)[ \t]*(?::[^=\n]*)?=(?!=)/;
const WORD = /[A-Za-z_$][\w$]*/g;

/**
 * The module-level names of a JS/TS or Python file whose definitions can make an importer's
 * calls generation calls: read from the text without a parse, by splitting the file at the
 * declarations that start a line. A declaration is relevant when its own text passes `test`
 * (the link filter: an SDK, an endpoint, a model call) or names another relevant one (a client
 * built from an SDK import, an endpoint table built from a host constant), closed transitively.
 * Names a Python file imports, and names a JS file lists in `export { }` or re-exports, may be
 * what an importer takes from it, so they count as relevant too.
 *
 * `code` is the text with its prose blanked (same length), which the test reads: "replicates" in
 * a docstring names no SDK.
 *
 * Undefined means "any name may be": for other languages, for files too large to split, and
 * for files whose exports the text cannot list (`export *`, `module.exports = {...}`, renamed
 * exports), or whose module-level code outside any declaration passes `test` (a client built in
 * an `if` or `try` block binds names this reading does not see).
 */
export function relevantExports(text: string, language: LanguageInfo, test: (text: string) => boolean, code: string = text): string[] | undefined {
  const family = language.family;
  if ((family !== 'js' && family !== 'python') || text.length > MAX_EXPORT_SCAN_CHARS) return undefined;
  const py = family === 'python';
  interface Segment {
    start: number;
    end: number;
    names: string[];
    /** An import statement: its names are relevant when it passes `test` (and, in Python, always exportable). */
    isImport: boolean;
  }
  const segments: Segment[] = [];
  const exportable = new Set<string>();
  for (let ls = 0; ls < text.length; ) {
    const nl = text.indexOf('\n', ls);
    const le = nl < 0 ? text.length : nl;
    const c = text.charCodeAt(ls);
    // A statement starts a line with a name or a keyword. Any other line continues the one
    // before it: indented, blank, a closing bracket, an operator of a wrapped expression, a
    // comment, a decorator (read with the definition before it: a small superset), a directive.
    const continues = !((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36);
    if (!continues) {
      const line = text.slice(ls, Math.min(le, ls + 400));
      if (!py && JS_OPAQUE_EXPORTS.test(line)) return undefined;
      let names: string[] = [];
      let isImport = false;
      if (py ? /^(?:from|import)[ \t]/.test(line) : /^import\b/.test(line)) {
        isImport = true;
        if (py) {
          if (line.startsWith('from')) {
            const got = pyImportedNames(text, ls);
            // `from m import *` binds (and passes on) names this reading cannot list.
            if (got === '*') return undefined;
            names = [...got];
            // `from m import a as b` binds b.
            for (const a of line.matchAll(/\bas[ \t]+(\w+)/g)) names.push(a[1]!);
          } else {
            // `import a.b as c, d` binds c and d.
            for (const part of line.slice(6).split('#')[0]!.split(',')) {
              const bound = /\bas[ \t]+(\w+)/.exec(part)?.[1] ?? /^[ \t]*(\w+)/.exec(part)?.[1];
              if (bound) names.push(bound);
            }
          }
          for (const n of names) exportable.add(n);
        } else {
          // The statement may run over several lines (`import {\n  a,\n} from 'x'`).
          const head = /^import\s+(?:type\s+)?([^'"]*?)\s*from\s*['"]/.exec(text.slice(ls, ls + 4096))?.[1] ?? '';
          for (const w of head.match(WORD) ?? []) if (w !== 'as' && w !== 'type') names.push(w);
        }
      } else if (py) {
        const m = PY_DECL.exec(line);
        if (m) names = (m[1] ?? m[2] ?? m[3] ?? '').split(',').map((n) => n.trim()).filter((n) => /^[A-Za-z_]\w*$/.test(n));
      } else {
        const m = JS_DECL.exec(line);
        const assigned = m ? undefined : /^([A-Za-z_$][\w$]*)[ \t]*=(?!=)/.exec(line);
        if (m) names = m[4] !== undefined ? (m[4].match(WORD) ?? []) : [m[1] ?? m[2] ?? m[3] ?? m[5]!];
        // `_a = Runner, ...`: a module variable assigned, as compilers emit them.
        else if (assigned) names = [assigned[1]!];
        else if (/^export[ \t]+default\b/.test(line)) {
          // Only a default import reaches it, and that takes the module whole; a named function
          // or class declared here may still be used by the file's named exports.
          const named = /^export[ \t]+default[ \t]+(?:async[ \t]+)?(?:function\b\*?|class\b)[ \t]*([A-Za-z_$][\w$]*)/.exec(line);
          names = named ? [named[1]!] : ['default'];
        } else {
          const cjs = CJS_EXPORT.exec(line);
          const defined = cjs ? undefined : CJS_DEFINED_EXPORT.exec(line);
          if (cjs) names = [cjs[1]!];
          // A property getter re-exports a name of another module; `__esModule` is a marker.
          else if (defined) {
            if (defined[1] !== '__esModule') exportable.add(defined[1]!);
          } else if (/^Object\.defineProperty\([ \t]*(?:module\.)?exports\b/.test(line)) return undefined;
          else if (/^export[ \t]*\{/.test(line)) {
            // `export { a, b }` and `export { a } from './x'`: the listed names are the file's.
            const close = text.indexOf('}', ls);
            for (const w of text.slice(ls + line.indexOf('{') + 1, close < 0 ? le : close).match(WORD) ?? []) if (w !== 'type') exportable.add(w);
          }
        }
      }
      segments.push({ start: ls, end: text.length, names, isImport });
      if (segments.length > 1) segments[segments.length - 2]!.end = ls;
    }
    ls = le + 1;
  }
  // Each declaration's words, read once; the closure then looks each word up, so a pass costs
  // the words of the declarations not yet relevant.
  const relevant = new Set<string>();
  const pending: { seg: Segment; words: string[] }[] = [];
  for (const seg of segments) {
    const body = code.slice(seg.start, seg.end);
    if (!test(body)) {
      if (!seg.isImport && seg.names.length) pending.push({ seg, words: [...new Set(body.match(WORD) ?? [])] });
      continue;
    }
    if (seg.names.length) for (const n of seg.names) relevant.add(n);
    // Module-level code outside any declaration that may generate binds what this reading does
    // not see; a script's `if __name__ == "__main__":` block binds nothing an importer gets,
    // and neither does a side-effect import.
    else if (!seg.isImport && !(py && /^if[ \t]+__name__[ \t]*==/.test(text.slice(seg.start, seg.start + 40)))) return undefined;
  }
  // Transitive closure: a pass that adds nothing ends it; each pass drops the declarations it
  // made relevant. Passes are bounded; a chain longer than that counts as "any name".
  let left = pending;
  for (let pass = 0; relevant.size && left.length; pass++) {
    if (pass === 16) return undefined;
    const next: typeof left = [];
    for (const p of left) {
      if (p.words.some((w) => relevant.has(w))) for (const m of p.seg.names) relevant.add(m);
      else next.push(p);
    }
    if (next.length === left.length) break;
    left = next;
  }
  for (const n of exportable) relevant.add(n);
  return [...relevant];
}
