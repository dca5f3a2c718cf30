import { strict as assert } from 'node:assert';
import { TextMemo } from '../../../../src/core/analysis/textMemo';

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
