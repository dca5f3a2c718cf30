/**
 * Memos about a per-analysis object (a file index, a file model, a function of the index), kept
 * on that object instead of in a module-level `WeakMap` keyed by it.
 *
 * Why: V8's young-generation collector keeps a `WeakMap` entry's value alive for as long as the
 * entry exists, even when nothing else refers to its key; only a full collection clears such an
 * entry. A memo in a module-level `WeakMap`, keyed by an object that one analysis builds and then
 * drops, therefore survives every young collection after that analysis, is promoted to the old
 * generation with all it references (moved nodes, facts of the file) and waits there for a full
 * collection. In the editor that was about 2.6 MB for each keystroke in a 5,000-line file, copied
 * by each young collection (5-13 ms each in the server). A memo held by its owner dies with the
 * owner, young.
 *
 * The interface is a `WeakMap`'s (`get`, `set`, `has`), so a memo table changes by its declaration.
 */

/** An object that can hold memos: it declares the slot, empty (`undefined`) until a memo is set. */
export interface MemoOwner {
  memos: Map<object, unknown> | undefined;
}

/** One kind of memo, stored in each owner's slot under this table as key. */
export class OwnedMemo<K extends MemoOwner, V> {
  get(owner: K): V | undefined {
    return owner.memos?.get(this) as V | undefined;
  }

  has(owner: K): boolean {
    return owner.memos?.has(this) ?? false;
  }

  set(owner: K, value: V): this {
    (owner.memos ??= new Map()).set(this, value);
    return this;
  }
}
