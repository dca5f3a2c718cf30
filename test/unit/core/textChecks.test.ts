/** The engine's checks on a file's text before any parse: binary content. */
import { strict as assert } from 'node:assert';
import { looksBinary } from '../../../src/core/engine';

describe('looksBinary', () => {
  const code = 'import openai\n\tclient = openai.OpenAI()\r\n\f# page break above\n';

  it('passes source text, tabs, carriage returns and form feeds included', () => {
    assert.equal(looksBinary(code), false);
    assert.equal(looksBinary(''), false);
  });

  it('turns down text with a NUL byte or with more than one control character in ten', () => {
    assert.equal(looksBinary(`${code}\u0000`), true);
    const body = 'x'.repeat(85);
    assert.equal(looksBinary(`${body}${'\u0001'.repeat(15)}`), true);
    assert.equal(looksBinary(`${body}${'\u000b'.repeat(15)}`), true, 'a vertical tab counts');
    assert.equal(looksBinary(`${'x'.repeat(95)}${'\u0002'.repeat(5)}`), false);
  });

  it('looks only at the first 8,000 characters', () => {
    assert.equal(looksBinary(`${'x'.repeat(8000)}${'\u0001'.repeat(5000)}`), false);
  });
});
