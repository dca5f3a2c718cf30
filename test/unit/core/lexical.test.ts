import { strict as assert } from 'node:assert';
import { codeOnly } from '../../../src/core/rules/flow/guards';
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

describe('code without comments (the guards\' reading of a path)', () => {
  it('keeps strings but still reads them, so a comment marker inside one is not a comment', () => {
    const py = 'tag = "#consent"  # TODO check consent\nif has_consent(user): clone(voice)\n';
    const out = codeWithoutProse(py, 'python', { keepStrings: true });
    assert.equal(out.length, py.length);
    assert.ok(out.includes('"#consent"'), 'the string is kept whole');
    assert.ok(!out.includes('TODO'), 'the comment is blanked');
    assert.ok(out.includes('has_consent(user)'));
  });

  it('codeOnly does not blank the code after a // inside a JavaScript string', () => {
    const js = 'const sep = "a//b"; if (!optedOut(user)) rank(user); // ranks here\n';
    const out = codeOnly(js, 'js');
    assert.ok(out.includes('if (!optedOut(user)) rank(user);'), out);
    assert.ok(!out.includes('ranks here'), 'the real comment is blanked');
    assert.ok(!/https?:/.test(codeOnly('fetch("https://api.example.com/v1") // x\n', 'js')), 'URLs are blanked as before');
  });
});
