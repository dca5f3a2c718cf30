import { strict as assert } from 'node:assert';
import { type MemoOwner, OwnedMemo } from '../../../../src/core/analysis/ownedMemo';

describe('memos kept on their owner', () => {
  it('keep one value per table and owner, and none before it is set', () => {
    const a: MemoOwner = { memos: undefined };
    const b: MemoOwner = { memos: undefined };
    const names = new OwnedMemo<MemoOwner, string[]>();
    const counts = new OwnedMemo<MemoOwner, number>();
    assert.equal(names.get(a), undefined);
    assert.equal(names.has(a), false);
    // The slot is made on the first memo only: owners nobody memoises stay without a map.
    assert.equal(a.memos, undefined);
    names.set(a, ['x']);
    counts.set(a, 3);
    assert.deepEqual(names.get(a), ['x']);
    assert.equal(counts.get(a), 3);
    assert.equal(names.has(a), true);
    assert.equal(names.get(b), undefined);
    assert.equal(b.memos, undefined);
    names.set(a, ['y']);
    assert.deepEqual(names.get(a), ['y']);
  });

  it('go with their owner: a copy made without the slot starts with no memo', () => {
    const owner = { memos: undefined as Map<object, unknown> | undefined, name: 'f' };
    const memo = new OwnedMemo<typeof owner, string>();
    memo.set(owner, 'answer about this analysis');
    // How the index carries a function over an edit: a new record, its slot emptied.
    const carried = { ...owner, memos: undefined };
    assert.equal(memo.get(carried), undefined);
    assert.equal(memo.get(owner), 'answer about this analysis');
  });
});
