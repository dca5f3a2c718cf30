/** Runs last: no browser of this run sent a request off the machine (each was blocked and recorded). */
import * as assert from 'node:assert/strict';
import { allOffsite } from './session';

describe('network', function () {
  it('no request left the machine during the browser suites', function () {
    assert.ok(allOffsite.length > 0, 'at least one browser session ran');
    assert.deepEqual(allOffsite.flat(), []);
  });
});
