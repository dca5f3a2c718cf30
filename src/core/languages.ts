/**
 * The language registry: which file extensions aireg analyses, with which tree-sitter grammar,
 * and how that language writes a line comment (used by suppressions and quick fixes).
 */

export type LanguageId = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'java';

export interface LanguageInfo {
  id: LanguageId;
  /** File name of the grammar wasm inside the grammars folder (see data/grammars.json). */
  wasm: string;
  extensions: readonly string[];
  lineComment: string;
  /** The broader family rules use when a pattern is shared (TS, TSX and JS share one). */
  family: 'js' | 'python' | 'go' | 'java';
}

export const LANGUAGES: readonly LanguageInfo[] = [
  { id: 'typescript', wasm: 'tree-sitter-typescript.wasm', extensions: ['.ts', '.mts', '.cts'], lineComment: '//', family: 'js' },
  { id: 'tsx', wasm: 'tree-sitter-tsx.wasm', extensions: ['.tsx'], lineComment: '//', family: 'js' },
  { id: 'javascript', wasm: 'tree-sitter-javascript.wasm', extensions: ['.js', '.mjs', '.cjs', '.jsx'], lineComment: '//', family: 'js' },
  { id: 'python', wasm: 'tree-sitter-python.wasm', extensions: ['.py', '.pyi'], lineComment: '#', family: 'python' },
  { id: 'go', wasm: 'tree-sitter-go.wasm', extensions: ['.go'], lineComment: '//', family: 'go' },
  { id: 'java', wasm: 'tree-sitter-java.wasm', extensions: ['.java'], lineComment: '//', family: 'java' },
];

const byExtension = new Map<string, LanguageInfo>();
for (const lang of LANGUAGES) for (const ext of lang.extensions) byExtension.set(ext, lang);

/** The language of a path by its extension, or undefined when aireg does not analyse it. */
export function languageForPath(path: string): LanguageInfo | undefined {
  const dot = path.lastIndexOf('.');
  if (dot < 0) return undefined;
  // `.d.ts` files declare types only and never call anything.
  if (path.endsWith('.d.ts')) return undefined;
  return byExtension.get(path.slice(dot).toLowerCase());
}

export function languageById(id: string): LanguageInfo | undefined {
  return LANGUAGES.find((l) => l.id === id);
}

/** Maps VS Code / LSP language ids to ours. */
export function languageForEditorId(editorId: string): LanguageInfo | undefined {
  switch (editorId) {
    case 'typescript': return languageById('typescript');
    case 'typescriptreact': return languageById('tsx');
    case 'javascript':
    case 'javascriptreact': return languageById('javascript');
    case 'python': return languageById('python');
    case 'go': return languageById('go');
    case 'java': return languageById('java');
    default: return undefined;
  }
}
