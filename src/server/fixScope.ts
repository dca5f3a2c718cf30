/**
 * What a quick fix may name at a finding: the parameters and earlier locals of the enclosing
 * function, the names the file imports or defines at its top level, whether the function is
 * async, and the file's quote style. The fixes in codeActions.ts only write calls to names found
 * here (or declared in `.aireg.json` and found here), so the code they insert refers to things
 * that exist; without the names they need they insert a TODO instead.
 *
 * One walk over the file's top level plus one over the enclosing function: linear in file size.
 */
import type { Node, Tree } from 'web-tree-sitter';

export interface FixScope {
  /** Names the file imports or defines at its top level (functions, classes, variables). */
  fileNames: Set<string>;
  /** Parameter names of the enclosing function, in order (`self`/`cls`/`this` left out). */
  params: string[];
  /** Names assigned in the enclosing function before the finding, in order. */
  locals: string[];
  /** Whether the enclosing function is async (JS/TS/Python), so `await` is allowed. */
  isAsync: boolean;
  /** The text of the enclosing function's declared result type, when it has one (Go, Java, TS). */
  resultType?: string;
  /** The quote the file uses most for string literals. */
  quote: '"' | "'";
  /**
   * The 0-based line where the statement holding the finding starts: a guard goes above it, not
   * above a line in the middle of a chained call. Undefined when that statement is not inside the
   * enclosing function's body (an arrow function with an expression body), where a guard cannot go.
   */
  statementLine?: number;
}

/** Node types whose named children are statements. */
const STATEMENT_LISTS = new Set(['block', 'statement_block', 'program', 'module', 'compound_statement', 'switch_case', 'switch_default', 'statement_list', 'constructor_body', 'class_body', 'expression_case', 'default_case', 'switch_block_statement_group']);

/** The statement around `offset` and its start line, when it sits in a statement list inside `fn`. */
function statementLineAt(tree: Tree, offset: number, fn: Node | undefined): number | undefined {
  let n: Node | null = tree.rootNode.descendantForIndex(offset, offset);
  while (n && n.parent && !STATEMENT_LISTS.has(n.parent.type)) {
    if (fn && n.id === fn.id) return undefined;
    n = n.parent;
  }
  if (!n || !n.parent) return undefined;
  if (fn && !(fn.startIndex <= n.startIndex && n.endIndex <= fn.endIndex)) return undefined;
  return n.startPosition.row;
}

const FUNCTION_TYPES = new Set([
  'function_definition', // python
  'function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'function', // js/ts
  'method_declaration', 'func_literal', // go (function_declaration above), java (method_declaration)
  'constructor_declaration', 'lambda_expression', // java
]);

/** Nodes under which identifiers are types or default values, not bound names. */
const NOT_BINDING = new Set(['type', 'type_annotation', 'type_identifier', 'qualified_type', 'pointer_type', 'generic_type', 'scoped_type_identifier']);

const IGNORED_PARAMS = new Set(['self', 'cls', 'this']);

function* walk(n: Node, skip?: (n: Node) => boolean): Generator<Node> {
  const stack: Node[] = [n];
  while (stack.length) {
    const cur = stack.pop()!;
    if (skip?.(cur)) continue;
    yield cur;
    for (let i = cur.namedChildCount - 1; i >= 0; i--) {
      const c = cur.namedChild(i);
      if (c) stack.push(c);
    }
  }
}

/** Bound names in a parameter list or an assignment target (destructuring included). */
function boundNames(n: Node): string[] {
  const out: string[] = [];
  for (const x of walk(n, (y) => NOT_BINDING.has(y.type))) {
    if (x.type !== 'identifier' && x.type !== 'shorthand_property_identifier_pattern') continue;
    // Only the left side of `a = default` binds; identifiers inside default values do not.
    let inValue = false;
    for (let p = x.parent; p && p.id !== n.id && !inValue; p = p.parent) {
      const value = p.childForFieldName('value') ?? p.childForFieldName('right');
      if (value && (p.type.includes('parameter') || p.type === 'assignment_pattern') && value.startIndex <= x.startIndex && x.endIndex <= value.endIndex) inValue = true;
    }
    if (!inValue) out.push(x.text);
  }
  return out;
}

function enclosingFunction(tree: Tree, offset: number): Node | undefined {
  let n: Node | null = tree.rootNode.descendantForIndex(offset, offset);
  while (n && !FUNCTION_TYPES.has(n.type)) n = n.parent;
  return n ?? undefined;
}

function paramsOf(fn: Node): string[] {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return [];
  return boundNames(params).filter((p) => !IGNORED_PARAMS.has(p));
}

function isAsync(fn: Node): boolean {
  for (let i = 0; i < fn.childCount; i++) {
    const c = fn.child(i);
    if (c?.type === 'async') return true;
  }
  return /^\s*async\b/.test(fn.text.slice(0, 12));
}

function localsBefore(fn: Node, offset: number): string[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const out: string[] = [];
  // Nested functions have their own scope; their names are not visible here.
  for (const n of walk(body, (x) => x.id !== body.id && FUNCTION_TYPES.has(x.type))) {
    if (n.startIndex >= offset) continue;
    let target: Node | null = null;
    if (n.type === 'assignment' || n.type === 'assignment_expression') target = n.childForFieldName('left');
    else if (n.type === 'variable_declarator') target = n.childForFieldName('name');
    else if (n.type === 'short_var_declaration' || n.type === 'var_spec') target = n.childForFieldName('left') ?? n.childForFieldName('name');
    if (target) for (const name of boundNames(target)) if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** Top-level imports and definitions: what a fix may call without adding an import. */
function fileNames(tree: Tree): Set<string> {
  const names = new Set<string>();
  const add = (n: Node | null | undefined): void => {
    if (n) names.add(n.text.split('.').pop()!);
  };
  for (const top of tree.rootNode.namedChildren) {
    if (!top) continue;
    const decl = top.type === 'export_statement' || top.type === 'decorated_definition' ? (top.childForFieldName('declaration') ?? top.childForFieldName('definition') ?? top) : top;
    switch (decl.type) {
      case 'import_from_statement':
      case 'import_statement':
      case 'import_declaration':
        for (const n of walk(decl)) {
          if (n.type === 'aliased_import') add(n.childForFieldName('alias'));
          else if (n.type === 'import_specifier') add(n.childForFieldName('alias') ?? n.childForFieldName('name'));
          else if (n.type === 'dotted_name' && n.parent?.type !== 'aliased_import' && n.id !== decl.childForFieldName('module_name')?.id) add(n);
          else if (n.type === 'identifier' && (n.parent?.type === 'import_clause' || n.parent?.type === 'namespace_import')) add(n);
          else if (n.type === 'scoped_identifier' && n.parent?.type === 'import_declaration') add(n); // java: last segment
          else if (n.type === 'interpreted_string_literal' && n.parent?.type === 'import_spec') {
            const alias = n.parent.childForFieldName('name');
            add(alias ?? { text: n.text.slice(1, -1).split('/').pop()! } as Node);
          }
        }
        break;
      case 'function_definition':
      case 'function_declaration':
      case 'class_definition':
      case 'class_declaration':
      case 'method_declaration':
        add(decl.childForFieldName('name'));
        if (decl.type === 'class_declaration') {
          // Java: methods of the class are callable unqualified from its other methods.
          for (const m of decl.childForFieldName('body')?.namedChildren ?? []) if (m?.type === 'method_declaration') add(m.childForFieldName('name'));
        }
        break;
      case 'lexical_declaration':
      case 'variable_declaration':
        for (const d of decl.namedChildren) if (d?.type === 'variable_declarator') add(d.childForFieldName('name'));
        break;
      case 'expression_statement': {
        const a = decl.namedChild(0);
        if (a?.type === 'assignment') for (const n of boundNames(a.childForFieldName('left')!)) names.add(n);
        break;
      }
      default:
        break;
    }
  }
  return names;
}

/** The quote most string literals of the file use (double when tied or none). */
export function quoteStyle(text: string): '"' | "'" {
  const single = text.match(/(^|[=(,:\s[{])'[^'\n]*'/g)?.length ?? 0;
  const double = text.match(/(^|[=(,:\s[{])"[^"\n]*"/g)?.length ?? 0;
  return single > double ? "'" : '"';
}

/** The scope at `offset` (a UTF-16 offset into the parsed text). */
export function fixScopeAt(tree: Tree, text: string, offset: number): FixScope {
  const fn = enclosingFunction(tree, offset);
  const result = fn?.childForFieldName('result') ?? fn?.childForFieldName('return_type') ?? fn?.childForFieldName('type');
  return {
    fileNames: fileNames(tree),
    params: fn ? paramsOf(fn) : [],
    locals: fn ? localsBefore(fn, offset) : [],
    isAsync: fn ? isAsync(fn) : false,
    ...(result ? { resultType: result.text.replace(/^:\s*/, '') } : {}),
    quote: quoteStyle(text),
    ...((): { statementLine?: number } => {
      const line = statementLineAt(tree, offset, fn);
      return line !== undefined ? { statementLine: line } : {};
    })(),
  };
}

/** Whether a possibly dotted name (`labels.stamp`) can be called here: its first segment is bound. */
export function inScope(scope: FixScope, name: string): boolean {
  const head = name.split('.')[0]!;
  return scope.fileNames.has(head) || scope.params.includes(head) || scope.locals.includes(head);
}
