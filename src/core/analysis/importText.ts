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
 * The module specifiers a file imports, read from its text without a parse (a superset is fine:
 * a specifier that is not really an import only costs a lookup). Used to give a parse to a file
 * that imports a file the prefilter accepted, because with the workspace model a constant, a
 * client or a wrapper defined there makes calls in the importing file generation calls.
 */
export function importSpecifiers(text: string, language: LanguageInfo): string[] {
  const out = new Set<string>();
  if (language.family === 'js') {
    JS_IMPORT.lastIndex = 0;
    for (let m = JS_IMPORT.exec(text); m; m = JS_IMPORT.exec(text)) {
      if (m[1] !== undefined && bindsNoValue(text, m.index, m[0])) continue;
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec) out.add(spec);
    }
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
