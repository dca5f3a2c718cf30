// Lint configuration. The import restrictions encode the architecture: the engine in
// src/core must stay free of editor and language-server code so the CLI and tests can run it.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'demo/**', '.e2e-tools/**', 'out/**', '.bench/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode', 'vscode-languageserver*', 'vscode-languageclient*'], message: 'src/core is the pure engine: it must not import the editor or the language server.' },
          { group: ['**/server/**', '**/client/**', '**/cli/**', '**/webview/**'], message: 'src/core must not depend on the layers built on top of it.' },
        ],
      }],
      // A module-level WeakMap keyed by an object one analysis makes keeps its values through
      // every young-generation collection until a full one (see analysis/ownedMemo.ts).
      'no-restricted-syntax': ['error', {
        selector: "NewExpression[callee.name='WeakMap'] > TSTypeParameterInstantiation > TSTypeReference:first-child[typeName.name=/^(?:FileIndex|FileModel|FunctionInfo|CallInfo)$/]",
        message: 'Memos about a per-analysis object go on the object (OwnedMemo in analysis/ownedMemo.ts), or are deleted when the analysis ends: V8 keeps WeakMap values alive through young collections.',
      }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/core/**', '**/server/**', '**/client/**', 'vscode'], message: 'Webview code runs in the browser: import only types from src/shared.' }],
      }],
    },
  },
  {
    files: ['src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**', '**/cli/**'], message: 'The client talks to the server over LSP; it must not import server code.' }],
      }],
    },
  },
);
