import { strict as assert } from 'node:assert';
import { TextMemo, ownString } from '../../../../src/core/analysis/textMemo';
import { exposedCollector } from '../../../../src/server/idleGc';

describe('values kept by text (TextMemo)', () => {
  it('gives back what a text made, and drops the least recently used beyond its bounds', () => {
    let made = 0;
    const make = (): number => ++made;
    const byChars = new TextMemo<number>(10);
    assert.equal(byChars.get('aaaa', make), 1);
    assert.equal(byChars.get('bbbb', make), 2);
    // Used again, so `bbbb` is now the least recently used.
    assert.equal(byChars.get('aaaa', make), 1);
    // 12 characters held would exceed 10: the least recently used goes.
    assert.equal(byChars.get('cccc', make), 3);
    assert.equal(byChars.get('aaaa', make), 1, 'kept');
    assert.equal(byChars.get('bbbb', make), 4, 'dropped and made again');

    const byEntries = new TextMemo<number>(1_000, 2);
    byEntries.get('x', make);
    byEntries.get('y', make);
    byEntries.get('z', make);
    const before = made;
    byEntries.get('y', make);
    byEntries.get('z', make);
    assert.equal(made, before, 'the two most recent are kept');
    byEntries.get('x', make);
    assert.equal(made, before + 1, 'the oldest was dropped');
  });
});

describe('keys of long-lived memos (ownString)', () => {
  // A large text of its own, as a file read from disk or edited in the editor is (a flat string).
  const fileText = (seed: number): string => Array.from({ length: 8_000_000 }, (_, i) => String.fromCharCode(97 + ((i + seed) % 26))).join('');
  const heapAfterGc = (): number => {
    exposedCollector()!();
    return process.memoryUsage().heapUsed;
  };

  it('equals the string it copies', () => {
    const s = fileText(3).slice(1_000, 1_200);
    assert.equal(ownString(s), s);
    assert.equal(ownString('short'), 'short');
    // Lone surrogates (an edit half-way through an emoji) are copied as they are.
    const odd = `${'x'.repeat(20)}\uD83D${'y'.repeat(5)}\uDE00\uD800`;
    assert.equal(ownString(odd), odd);
  });

  it('lets the file texts a memo key was cut from be collected, also when the key is used again', () => {
    const memo = new TextMemo<number>(1_000_000);
    // The same statement in two versions of a file (8 MB each): made from the first, found again
    // from the second. Each text and its slice live only inside a call, so that no frame of this
    // test holds them when it measures.
    const lookUp = (make: () => number): number => memo.get(fileText(0).slice(5_000, 5_400), make);
    const before = heapAfterGc();
    assert.equal(lookUp(() => 1), 1);
    assert.equal(lookUp(() => 2), 1);
    const held = heapAfterGc() - before;
    assert.ok(held < 4_000_000, `the memo kept ${(held / 1e6).toFixed(1)} MB alive`);
  });
});
