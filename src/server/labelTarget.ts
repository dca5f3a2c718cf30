/**
 * Finds the generated value inside the place where it leaves (the `aigc-missing-label` range),
 * so the explicit-label quick fix can prepend the label to that value and nothing else: in
 * `return jsonify({"answer": answer})` it is `answer`, which holds the model's text through
 * `completion = client.chat...(); answer = completion.choices[0].message.content`.
 *
 * It follows plain assignments by name from the generation call (a small fixpoint over the
 * file's assignments), then picks the first use of such a name inside the sink. Without a
 * confident answer it returns undefined and the fix is not offered: a wrong edit is worse than
 * none.
 */
import type { Node, Tree } from 'web-tree-sitter';

export interface OffsetRange {
  start: number;
  end: number;
}

/** What the edit must look like at the target. */
export interface LabelTarget extends OffsetRange {
  /** Set for JS shorthand properties (`{ reply }`), which must become `reply: <label> + reply`. */
  shorthandName?: string;
}

/** Nodes that, wrapped around a value, still denote (part of) that value. */
const VALUE_WRAPPERS = new Set([
  'member_expression', 'subscript_expression', 'attribute', 'subscript', 'await_expression', 'await',
  'parenthesized_expression', 'non_null_expression', 'selector_expression', 'index_expression',
  'field_access', 'array_access', 'call_expression', 'call', 'method_invocation',
]);

/** Assignment-like nodes and their target/value children, per grammar. */
function assignmentParts(n: Node): { lhs: Node; rhs: Node } | undefined {
  switch (n.type) {
    case 'assignment': // python
    case 'assignment_expression': // js, java
    case 'augmented_assignment':
    case 'short_var_declaration': // go
    case 'assignment_statement': {
      const lhs = n.childForFieldName('left');
      const rhs = n.childForFieldName('right');
      return lhs && rhs ? { lhs, rhs } : undefined;
    }
    case 'variable_declarator': { // js (name/value), java (name/value)
      const lhs = n.childForFieldName('name');
      const rhs = n.childForFieldName('value');
      return lhs && rhs ? { lhs, rhs } : undefined;
    }
    default:
      return undefined;
  }
}

function contains(outer: OffsetRange, inner: OffsetRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

const span = (n: Node): OffsetRange => ({ start: n.startIndex, end: n.endIndex });

function* descendants(n: Node): Generator<Node> {
  const cursor = n.walk();
  try {
    let more = true;
    while (more) {
      yield cursor.currentNode;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || cursor.currentNode.equals(n)) {
          more = false;
          break;
        }
      }
    }
  } finally {
    cursor.delete();
  }
}

const CALLS = new Set(['call_expression', 'call', 'method_invocation']);
const FUNCTIONS = new Set(['function_declaration', 'function_definition', 'method_definition', 'method_declaration', 'generator_function_declaration']);

/** A call's last callee name and positional arguments. */
function callParts(n: Node): { name: string; node: Node; args: Node[] } | undefined {
  if (!CALLS.has(n.type)) return undefined;
  const callee = n.type === 'method_invocation' ? n.childForFieldName('name') : n.childForFieldName('function');
  const name = /([A-Za-z_$][\w$]*)\s*$/.exec(callee?.text ?? '')?.[1];
  if (!name) return undefined;
  const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'keyword_argument' && a.type !== 'comment');
  return { name, node: n, args };
}

/** A named function and its parameter names by position. */
function functionParts(n: Node): { name: string; node: Node; params: string[] } | undefined {
  if (!FUNCTIONS.has(n.type)) return undefined;
  const name = n.childForFieldName('name')?.text;
  if (!name) return undefined;
  const params: string[] = [];
  for (const p of n.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type === 'comment') continue;
    if (isIdentifier(p)) params.push(p.text);
    else {
      const id = p.childForFieldName('pattern') ?? p.childForFieldName('name') ?? p.namedChildren.find((c) => !!c && isIdentifier(c)) ?? null;
      params.push(id && isIdentifier(id) ? id.text : '');
    }
  }
  return { name, node: n, params };
}

const isIdentifier = (n: Node): boolean => n.type === 'identifier' || n.type === 'shorthand_property_identifier';

/** The names an assignment target binds (simple names only; `a, b = ...` binds both). */
function boundNames(lhs: Node): string[] {
  if (isIdentifier(lhs)) return [lhs.text];
  if (lhs.type === 'expression_list' || lhs.type === 'pattern_list' || lhs.type === 'tuple_pattern') {
    return lhs.namedChildren.filter((c): c is Node => !!c && isIdentifier(c)).map((c) => c.text);
  }
  return [];
}

/** Climbs from a value to the largest expression inside `limit` that still denotes it. */
function widen(node: Node, limit: OffsetRange): Node {
  let n = node;
  for (let p = n.parent; p && VALUE_WRAPPERS.has(p.type) && contains(limit, span(p)); p = p.parent) {
    // Only when n is the object/function of the wrapper, not an argument or index of it.
    if (p.namedChild(0)?.equals(n) !== true) break;
    // `f(x)` where n is `f` calls the value: stop before calls unless n is a method access on it.
    if ((p.type === 'call_expression' || p.type === 'call' || p.type === 'method_invocation') && isIdentifier(n)) break;
    n = p;
  }
  return n;
}

/**
 * The value to label inside `sink`, given where the generation call is. Both ranges are UTF-16
 * offsets into the tree's text.
 */
export function findLabelTarget(tree: Tree, sink: OffsetRange, generation: OffsetRange): LabelTarget | undefined {
  const root = tree.rootNode;
  const genNode = root.descendantForIndex(generation.start, Math.max(generation.start, generation.end - 1)) ?? root;
  if (contains(sink, generation)) {
    // The call's result leaves directly: label the widest expression around the call in the sink.
    let call: Node | null = genNode;
    while (call && !(call.type === 'call_expression' || call.type === 'call' || call.type === 'method_invocation')) call = call.parent;
    if (!call || !contains(sink, span(call))) return undefined;
    const n = widen(call, sink);
    return span(n);
  }

  // Names that hold the generated value: seeded by assignments whose value contains the call.
  // The finding may sit in another function than the call (a helper it was passed to or
  // returned from), so arguments carry the value into the same-file function's parameters and
  // a function returning it makes its calls carry it too. Names are file-wide: the target must
  // still lie inside the finding's range, which keeps a wrong name from being picked elsewhere.
  const tainted = new Set<string>();
  const assignments: { names: string[]; rhs: Node }[] = [];
  const calls: { name: string; node: Node; args: Node[] }[] = [];
  const functions = new Map<string, { node: Node; params: string[] }>();
  for (const n of descendants(root)) {
    const parts = assignmentParts(n);
    if (parts) assignments.push({ names: boundNames(parts.lhs), rhs: parts.rhs });
    const call = callParts(n);
    if (call) calls.push(call);
    const fn = functionParts(n);
    if (fn && !functions.has(fn.name)) functions.set(fn.name, fn);
  }
  const returning = new Set<string>();
  const carries = (n: Node): boolean => {
    if (contains(span(n), generation)) return true;
    for (const d of descendants(n)) {
      if (isIdentifier(d) && tainted.has(d.text)) return true;
      if (callParts(d) && returning.has(callParts(d)!.name)) return true;
    }
    return false;
  };
  for (let round = 0; round < 8; round++) {
    const before = tainted.size + returning.size;
    for (const a of assignments) {
      if (a.names.every((x) => tainted.has(x))) continue;
      if (carries(a.rhs)) a.names.forEach((x) => tainted.add(x));
    }
    for (const c of calls) {
      const fn = functions.get(c.name);
      if (!fn || contains(span(fn.node), span(c.node))) continue;
      const offset = fn.params[0] === 'self' || fn.params[0] === 'cls' ? 1 : 0;
      c.args.forEach((arg, i) => {
        const p = fn.params[i + offset];
        if (p && !tainted.has(p) && carries(arg)) tainted.add(p);
      });
    }
    for (const [name, fn] of functions) {
      if (returning.has(name)) continue;
      for (const d of descendants(fn.node)) {
        if ((d.type === 'return_statement' || d.type === 'yield') && carries(d)) {
          returning.add(name);
          break;
        }
      }
    }
    if (tainted.size + returning.size === before) break;
  }
  if (tainted.size === 0 && returning.size === 0) return undefined;

  const sinkNode = root.descendantForIndex(sink.start, Math.max(sink.start, sink.end - 1)) ?? root;
  let scope: Node = sinkNode;
  while (scope.parent && !contains(span(scope), sink)) scope = scope.parent;
  for (const d of descendants(scope)) {
    if (!contains(sink, span(d))) continue;
    const call = callParts(d);
    if (call && returning.has(call.name)) return span(widen(d, sink));
    if (!isIdentifier(d) || !tainted.has(d.text)) continue;
    if (d.type === 'shorthand_property_identifier') return { ...span(d), shorthandName: d.text };
    // Skip names in binding or key positions (`answer=` keyword names, object keys).
    const parent = d.parent;
    if (parent && (parent.type === 'keyword_argument' || parent.type === 'pair') && parent.namedChild(0)?.equals(d)) continue;
    return span(widen(d, sink));
  }
  return undefined;
}
