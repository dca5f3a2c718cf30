/** The engine's checks on a file's text before any parse: binary content, minified code. */
import { strict as assert } from 'node:assert';
import { looksBinary, looksMinified } from '../../../src/core/engine';

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

describe('looksMinified', () => {
  /** `lines` lines of `width` characters each, the last without a line end. */
  const textOf = (lines: number, width: number): string => Array.from({ length: lines }, () => 'x'.repeat(width)).join('\n');

  it('turns down text with fewer lines than one per 500 characters, and only from 20,000 characters on', () => {
    assert.equal(looksMinified('x'.repeat(19_999)), false, 'short text is never minified');
    assert.equal(looksMinified('x'.repeat(20_000)), true, 'one 20,000-character line');
    // 40 lines of 600 characters: 24,039 characters, about 601 per line.
    assert.equal(looksMinified(textOf(40, 600)), true);
    // 60 lines of 400 characters: 24,059 characters, about 401 per line.
    assert.equal(looksMinified(textOf(60, 400)), false);
    // 25,000 characters in 50 lines: exactly 500 per line is not more than 500.
    assert.equal(looksMinified(`${textOf(50, 499)}x`), false);
  });

  it('decides a long file of ordinary lines from its first lines', () => {
    // 5,000 lines of source, then one huge line: the ordinary lines alone make it not minified.
    assert.equal(looksMinified(`${textOf(5_000, 30)}\n${'x'.repeat(400_000)}`), false);
    // The same huge line with only a few lines before it is minified.
    assert.equal(looksMinified(`${textOf(10, 30)}\n${'x'.repeat(400_000)}`), true);
  });
});
