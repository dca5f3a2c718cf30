import { strict as assert } from 'node:assert';
import { codeOnly } from '../../../src/core/rules/flow/guards';
import { codeWithoutProse, codeWithoutProseFromStart } from '../../../src/core/rules/flow/lexical';
import { commonEnds, lineLocalPattern, lowerCase, testLines } from '../../../src/core/rules/flow/text';

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

describe('code without prose, lexed again after an edit', () => {
  /** A small deterministic generator, so a failure names an edit that can be replayed. */
  const rng = (seed: number): (() => number) => {
    let x = seed >>> 0;
    return () => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  };
  // Pieces whose lexing depends on text far ahead: block comments, triple quotes, unterminated quotes.
  const PIECES: Record<'js' | 'python', string[]> = {
    js: ['/* a\n b */', '// c "d"\n', 'const s = "e//f";\n', "let t = 'g';\n", '`h ${i} // j`\n', "re = /'/;\n", 'x = "open\n', 'f(a, b) /* k\n', '*/\n', 'call(user);\n'],
    python: ['"""doc\nstring"""\n', "# c 'd'\n", 's = "e#f"\n', "t = f'{g(h)}'\n", "u = '''\n", "'''\n", 'x = "open\n', 'def f(user):\n', '    return rank(user)\n', 'r"\\d+"\n'],
  };
  const EDITS = ['"', "'", '/*', '*/', '#', '//', '"""', '\n', 'x', ''];

  for (const family of ['js', 'python'] as const) {
    for (const keepStrings of [false, true]) {
      it(`gives the output of a lexing from the start, after each of 300 random edits (${family}${keepStrings ? ', strings kept' : ''})`, () => {
        const next = rng(family === 'js' ? 11 : 13);
        let text = '';
        while (text.length < 6000) text += PIECES[family][Math.floor(next() * PIECES[family].length)];
        codeWithoutProse(text, family, { keepStrings });
        for (let i = 0; i < 300; i++) {
          const at = Math.floor(next() * text.length);
          const remove = Math.floor(next() * 4);
          const insert = EDITS[Math.floor(next() * EDITS.length)]!;
          text = text.slice(0, at) + insert + text.slice(at + remove);
          assert.equal(codeWithoutProse(text, family, { keepStrings }), codeWithoutProseFromStart(text, family, { keepStrings }), `edit ${i} at ${at}: -${remove} +${JSON.stringify(insert)}`);
        }
      });
    }
  }
});

describe('keyword tests remembered across edits (testLines)', () => {
  it('answers as a test of the whole text would, after each of 400 random edits', () => {
    let x = 17;
    const next = (): number => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    // Rare words, so the answer flips between yes and no as edits add and remove them.
    const re = /(?<![a-z])(?:faceswap|voice_clone)(?![a-z])/;
    const words = ['alpha ', 'beta\n', 'face', 'swap ', 'voice_clone ', 'x', '\n', 'faceswap\n', 'gamma delta epsilon\n'];
    let text = '';
    while (text.length < 8000) text += next() < 0.02 ? 'faceswap ' : words[Math.floor(next() * 2)]!;
    let yes = 0;
    for (let i = 0; i < 400; i++) {
      const at = Math.floor(next() * text.length);
      const remove = Math.floor(next() * 12);
      text = text.slice(0, at) + words[Math.floor(next() * words.length)]! + text.slice(at + remove);
      // Now and then remove every hit, so the 'no' side is exercised too.
      if (next() < 0.1) text = text.replace(/faceswap|voice_clone/g, 'face_swap');
      const expected = re.test(text);
      if (expected) yes++;
      assert.equal(testLines(re, text), expected, `edit ${i} at ${at}`);
    }
    assert.ok(yes > 50 && yes < 350, `both answers occur (${yes} of 400 yes)`);
  });

  it('tests only the edited lines of a pattern declared line-local that looks ahead for a line end, and still answers as the whole text would', () => {
    let x = 91;
    const next = (): number => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    // "A key with `=False` after it, or at the end of its line": the shape of the switched-off label test.
    const re = lineLocalPattern(/(?<![\w$])watermark[ \t]*(?:=[ \t]*false(?![\w$])|=?[ \t]*(?![^\r\n]))/);
    const whole = new RegExp(re.source);
    const words = ['alpha ', 'beta\n', 'water', 'mark', '=', 'false', ' ', '\n', '\r\n', 'watermark', 'watermark=true\n', 'watermark=\n', 'watermark = false ', 'gamma delta\n'];
    let text = 'lorem ipsum dolor\n'.repeat(400);
    let yes = 0;
    for (let i = 0; i < 400; i++) {
      const at = Math.floor(next() * text.length);
      const remove = Math.floor(next() * 6);
      text = text.slice(0, at) + words[Math.floor(next() * words.length)]! + text.slice(at + remove);
      if (next() < 0.05) text = text.replace(/watermark/g, 'water_mark');
      const expected = whole.test(text);
      if (expected) yes++;
      assert.equal(testLines(re, text), expected, `edit ${i} at ${at}`);
    }
    assert.ok(yes > 50 && yes < 350, `both answers occur (${yes} of 400 yes)`);
    assert.throws(() => lineLocalPattern(/a.b/s), /cannot be line-local/);
  });

  it('runs a pattern that can match across lines over the whole text', () => {
    const re = /(?:^|\n)\s*from\s+discord\b/;
    const base = 'lorem ipsum\n'.repeat(500);
    let text = `${base}from\n${base}`;
    assert.equal(testLines(re, text), false);
    // The edit is on the line after `from`; the match starts on the line before it.
    text = text.replace(`from\n${base}`, `from\ndiscord\n${base}`);
    assert.equal(testLines(re, text), true);
  });

  it('finds a word an edit completes with text after the edit on its line, and one it breaks', () => {
    const re = /(?<![a-z])faceswap(?![a-z])/;
    const base = 'lorem ipsum\n'.repeat(500);
    let text = `${base}call swap(x)\n${base}`;
    assert.equal(testLines(re, text), false);
    const at = text.indexOf('swap(x)');
    text = `${text.slice(0, at)}face${text.slice(at)}`;
    assert.equal(testLines(re, text), true, 'the inserted "face" and the "swap" after it');
    text = `${text.slice(0, at + 2)}${text.slice(at + 3)}`;
    assert.equal(testLines(re, text), false, 'a letter taken out of the middle');
    text = `${text.slice(0, at + 2)}c${text.slice(at + 2)}`;
    assert.equal(testLines(re, text), true);
    text = `${text.slice(0, at + 8)}s${text.slice(at + 8)}`;
    assert.equal(testLines(re, text), false, 'a letter right after the match');
  });
});

describe('common ends of two texts', () => {
  /** The lengths a character loop finds: the reference for the sliced comparison. */
  function naive(a: string, b: string): { p: number; q: number } {
    const max = Math.min(a.length, b.length);
    let p = 0;
    while (p < max && a[p] === b[p]) p++;
    let q = 0;
    while (q < max - p && a[a.length - 1 - q] === b[b.length - 1 - q]) q++;
    return { p, q };
  }

  it('agrees with a character loop on edits anywhere in long texts, and never overlaps', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const base = Array.from({ length: 40_000 }, (_, i) => 'abcdefghij\n'[(i * 7) % 11]).join('');
    for (let round = 0; round < 200; round++) {
      const at = rand(base.length);
      const cut = rand(3) === 0 ? rand(5000) : rand(3);
      const insert = 'xyz\nabc'.slice(0, rand(8));
      const edited = base.slice(0, at) + insert + base.slice(Math.min(base.length, at + cut));
      // A fresh copy of the first text each time: the function remembers its last pair.
      const a = `${base} `.slice(0, -1);
      assert.deepEqual({ ...commonEnds(a, edited) }, { ...naive(a, edited), a, b: edited }, `round ${round}: at ${at}, cut ${cut}, insert ${JSON.stringify(insert)}`);
    }
    const same = commonEnds('abc'.repeat(2000), 'abc'.repeat(2000));
    assert.equal(same.p + same.q, 6000);
  });
});

describe('lower case after an edit', () => {
  it('equals toLowerCase of the whole text after random edits, with cased, final-sigma, dotted-I and astral characters', () => {
    let seed = 11;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // Deseret (U+10400, an astral letter with a lower case), Greek, a dotted capital I (two code
    // units in lower case) and final sigma (lower case depends on the next letter).
    const pieces = ['ABC', 'def', '\n', 'ΑΒΓ', '𐐀𐐁', '中文', 'x_Y', ' '];
    const rare = ['Σ', 'İ'];
    let text = Array.from({ length: 3000 }, () => pieces[rand(pieces.length)]).join('');
    for (let round = 0; round < 300; round++) {
      const at = rand(text.length + 1);
      const cut = rand(4);
      const insert = rand(10) === 0 ? rare[rand(2)]! : pieces[rand(pieces.length)]!.slice(0, rand(4));
      text = text.slice(0, at) + insert + text.slice(at + cut);
      // Now and then the rare characters leave again, so both paths run.
      if (rand(7) === 0) text = text.replace(/[Σİ]/g, 'S');
      assert.equal(lowerCase(text), text.toLowerCase(), `round ${round}`);
    }
  });

  it('lowers again what an edit changes around it: a sigma that stops being final, a dotted I before the edit, half of an astral letter', () => {
    const filler = 'abc def\n'.repeat(1000);
    const cases: [string, string][] = [
      [`${filler}ΟΔΟΣ rest`, `${filler}ΟΔΟΣΑ rest`],
      [`${filler}İ ABC`, `${filler}İ ABCX`],
      [`${filler}\u{10400}Z`, `${filler}\u{10401}Z`],
    ];
    for (const [before, after] of cases) {
      assert.equal(lowerCase(before), before.toLowerCase());
      assert.equal(lowerCase(after), after.toLowerCase(), JSON.stringify(after.slice(-12)));
    }
  });
});
