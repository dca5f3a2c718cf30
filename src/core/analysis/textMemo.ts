/**
 * Values kept by the text they were worked out from (a function's, a top-level statement's),
 * across edits and files: a text an edit did not touch gets back what it had, wherever it moved.
 * Keyed by content, not by node id, because ids are addresses a later tree may reuse. Least
 * recently used first out, bounded by entries and by the characters of the texts held.
 */
export class TextMemo<V> {
  /** By content; each entry keeps its own copy of the key (see {@link ownString}). */
  private readonly entries = new Map<string, { key: string; value: V }>();
  private chars = 0;

  constructor(
    private readonly maxChars: number,
    private readonly maxEntries = Number.POSITIVE_INFINITY,
  ) {}

  /** The value kept for `text`, made by `make` when there is none. */
  get(text: string, make: () => V): V {
    let entry = this.entries.get(text);
    if (entry !== undefined) {
      // Most recently used last: the first key is the one to drop. Re-inserted under the key it
      // was stored with, not `text`, which is cut from the caller's (newer) file text.
      this.entries.delete(text);
    } else {
      entry = { key: ownString(text), value: make() };
      this.chars += text.length;
      while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || this.chars > this.maxChars)) {
        const oldest = this.entries.keys().next().value!;
        this.entries.delete(oldest);
        this.chars -= oldest.length;
      }
    }
    this.entries.set(entry.key, entry);
    return entry.value;
  }
}

/**
 * Keeps `value` in `memo` under a copy of `key` (see {@link ownString}), emptying the memo first
 * when it holds `max` entries. For hot lookups by a name, where a hit must cost no more than a
 * `Map.get`; {@link TextMemo} keeps the most recently used instead, at some cost per hit.
 */
export function rememberByText<V>(memo: Map<string, V>, key: string, value: V, max: number): void {
  if (memo.size >= max) memo.clear();
  memo.set(ownString(key), value);
}

/**
 * `s`, as a string of its own. V8 makes a substring of 13 or more characters a view into the
 * string it was cut from, which it keeps alive: a name or a statement read from a file and kept as
 * a key of a long-lived memo held the whole file text. In the editor that was one text per
 * keystroke, each as large as the file (31 MB per 100 keystrokes typed into a 5,000-line file),
 * until the memo let go of the key. The round trip through UTF-16 bytes copies the characters
 * exactly (lone surrogates too); a concatenation does not, since a slice of it that lies within
 * one part is cut from that part, the view again.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}
