/**
 * Values kept by the text they were worked out from (a function's, a top-level statement's),
 * across edits and files: a text an edit did not touch gets back what it had, wherever it moved.
 * Keyed by content, not by node id, because ids are addresses a later tree may reuse. Least
 * recently used first out, bounded by entries and by the characters of the texts held.
 */
export class TextMemo<V> {
  private readonly entries = new Map<string, V>();
  private chars = 0;

  constructor(
    private readonly maxChars: number,
    private readonly maxEntries = Number.POSITIVE_INFINITY,
  ) {}

  /** The value kept for `text`, made by `make` when there is none. */
  get(text: string, make: () => V): V {
    let value = this.entries.get(text);
    if (value !== undefined) {
      // Most recently used last: the first key is the one to drop.
      this.entries.delete(text);
    } else {
      value = make();
      this.chars += text.length;
      while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || this.chars > this.maxChars)) {
        const oldest = this.entries.keys().next().value!;
        this.entries.delete(oldest);
        this.chars -= oldest.length;
      }
    }
    this.entries.set(text, value);
    return value;
  }
}
