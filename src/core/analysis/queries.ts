/**
 * The tree-sitter queries the semantic model is built from: ONE query per grammar, each with a
 * handful of patterns (imports, calls, bindings). Everything finer (import clauses, destructuring,
 * argument shapes) is read from the captured nodes in code, which keeps the query count and the
 * number of matches small. `queries.test.ts` compiles each of them against its grammar.
 */
import type { LanguageId } from '../languages';

/** The query cache key under which the host keeps the model query of a language. */
export const MODEL_QUERY_KEY = 'aireg.analysis.model';

const JS_COMMON = `
(import_statement) @import
(call_expression) @call
(new_expression) @call
(variable_declarator name: (_) @name value: (_) @value) @bind
(assignment_expression left: (_) @name right: (_) @value) @bind
(augmented_assignment_expression left: (_) @name right: (_) @value) @bind
(function_declaration name: (_) @name) @func
(method_definition name: (_) @name) @func
(class_declaration name: (_) @name) @class
`;
/** TypeScript enums hold path constants as often as objects do (`enum ApiPath { Chat = "v1/chat" }`). */
const TS_ENUM = '(enum_declaration name: (_) @name) @bind\n';

/**
 * TypeScript names declared with a type and no value: parameters (`client: OpenAI`, also
 * constructor parameter properties) and class fields (`model: BaseChatModel;`). The type says
 * what the name holds when no constructor is in sight.
 */
const TS_TYPED = `
(required_parameter pattern: (identifier) @name type: (_)) @bind
(optional_parameter pattern: (identifier) @name type: (_)) @bind
(public_field_definition name: (_) @name type: (_) !value) @bind
`;

/** Query source per language. TS and TSX name class fields differently from JavaScript. */
export const MODEL_QUERIES: Readonly<Record<LanguageId, string>> = {
  typescript: `${JS_COMMON}(public_field_definition name: (_) @name value: (_) @value) @bind\n${TS_ENUM}${TS_TYPED}`,
  tsx: `${JS_COMMON}(public_field_definition name: (_) @name value: (_) @value) @bind\n${TS_ENUM}${TS_TYPED}`,
  javascript: `${JS_COMMON}(field_definition property: (_) @name value: (_) @value) @bind\n`,
  python: `
(import_statement) @import
(import_from_statement) @import
(call) @call
(assignment left: (_) @name right: (_) @value) @bind
(assignment left: (_) @name type: (_) !right) @bind
(typed_parameter (identifier) @name) @bind
(typed_default_parameter name: (_) @name) @bind
(with_item value: (as_pattern (_) @value alias: (as_pattern_target (_) @name))) @bind
(function_definition name: (_) @name) @func
(class_definition name: (_) @name) @class
`,
  go: `
(import_spec) @import
(call_expression) @call
(short_var_declaration) @bindlist
(assignment_statement) @bindlist
(var_spec) @bindlist
(const_spec) @bindlist
(parameter_declaration) @bindlist
(field_declaration) @bindlist
(function_declaration name: (_) @name) @func
(method_declaration name: (_) @name) @func
`,
  java: `
(import_declaration) @import
(method_invocation) @call
(object_creation_expression) @call
(variable_declarator name: (_) @name) @bind
(formal_parameter name: (_) @name) @bind
(enhanced_for_statement name: (_) @name) @bind
(resource name: (_) @name value: (_) @value) @bind
(assignment_expression left: (_) @name right: (_) @value) @bind
(package_declaration) @import
(class_declaration name: (_) @name) @class
(interface_declaration name: (_) @name) @class
(method_declaration name: (_) @name) @func
`,
};
