import { strict as assert } from 'node:assert';
import { codeWithoutProse } from '../../../src/core/rules/flow/lexical';

describe('code without prose (the prefilters\' lexer)', () => {
  it('blanks comments and closed string literals, keeping every offset', () => {
    const ts = 'const a = "user order"; // the following user\n/* ranks\n users */ rank(user);\n';
    const out = codeWithoutProse(ts, 'js');
    assert.equal(out.length, ts.length);
    assert.ok(!/order|following|ranks/.test(out), out);
    assert.ok(out.includes('rank(user);'));
    assert.ok(out.startsWith('const a = '));
  });

  it('blanks Python comments and docstrings, keeps f-strings that hold code', () => {
    const py = 'def f(user):\n    """Sort the following users."""\n    x = f"{rank(user)}"  # order\n    return \'a#b\' + g(user)\n';
    const out = codeWithoutProse(py, 'python');
    assert.ok(!/following|order/.test(out), out);
    assert.ok(out.includes('f"{rank(user)}"'), 'an f-string holds code');
    assert.ok(out.includes('+ g(user)'), 'a # inside a string does not start a comment');
  });

  it('keeps what it cannot be sure of: template literals, unterminated quotes, regular expressions', () => {
    const js = 'const t = `${rank(user)}`;\nconst re = /\'/g; score(user);\n';
    const out = codeWithoutProse(js, 'js');
    assert.ok(out.includes('${rank(user)}'));
    assert.ok(out.includes('score(user);'), out);
  });

  it('escapes inside strings do not end them', () => {
    const go = 'package p\nvar s = "a \\" // not a comment"; var user = rank(x)\n';
    const out = codeWithoutProse(go, 'go');
    assert.ok(out.includes('var user = rank(x)'), out);
  });
});
