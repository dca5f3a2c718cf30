/**
 * A small least-recently-used cache of parse trees, one per open document. Trees live in wasm
 * memory that JavaScript's garbage collector never frees, so every way out of the cache (eviction,
 * replacement, close, dispose) calls `tree.delete()`; `take` hands ownership to the caller instead.
 */
import type { Edit, Tree } from 'web-tree-sitter';

export class TreeCache {
  private readonly trees = new Map<string, Tree>();

  constructor(readonly capacity = 32) {}

  get size(): number {
    return this.trees.size;
  }

  has(uri: string): boolean {
    return this.trees.has(uri);
  }

  /** Removes the tree and gives it to the caller, who must delete it or put it back. */
  take(uri: string): Tree | undefined {
    const t = this.trees.get(uri);
    this.trees.delete(uri);
    return t;
  }

  /** Stores a tree as the most recently used, deleting the one it replaces and the least used beyond capacity. */
  set(uri: string, tree: Tree): void {
    const old = this.trees.get(uri);
    if (old && old !== tree) old.delete();
    this.trees.delete(uri);
    this.trees.set(uri, tree);
    while (this.trees.size > this.capacity) {
      const [oldest, t] = this.trees.entries().next().value as [string, Tree];
      this.trees.delete(oldest);
      t.delete();
    }
  }

  /** Applies an edit to the cached tree so the next parse can reuse it; a no-op without a tree. */
  edit(uri: string, edit: Edit): void {
    this.trees.get(uri)?.edit(edit);
  }

  /** Deletes the tree of a document (closed, full-text change, language change). */
  drop(uri: string): void {
    this.trees.get(uri)?.delete();
    this.trees.delete(uri);
  }

  dispose(): void {
    for (const t of this.trees.values()) t.delete();
    this.trees.clear();
  }
}
