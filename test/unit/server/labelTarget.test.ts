/**
 * Where the explicit-label quick fix puts the label: the generated value inside the sink, found
 * by following assignments from the generation call, on real parse trees of each language.
 */
import * as assert from 'node:assert/strict';
import { languageForPath } from '../../../src/core/languages';
import { TreeSitterHost } from '../../../src/core/parser';
import { findLabelTarget } from '../../../src/server/labelTarget';

describe('server label target', function () {
  const host = new TreeSitterHost();
  after(() => host.dispose());

  /** Runs findLabelTarget with the generation call and the sink given as substrings of `text`. */
  async function target(file: string, text: string, call: string, sink: string): Promise<string | undefined> {
    const tree = await host.parse(languageForPath(file)!.id, text);
    try {
      const g = text.indexOf(call);
      const s = text.lastIndexOf(sink);
      assert.ok(g >= 0 && s >= 0, 'the test names real substrings');
      const t = findLabelTarget(tree, { start: s, end: s + sink.length }, { start: g, end: g + call.length });
      return t ? (t.shorthandName ? `shorthand:${t.shorthandName}` : text.slice(t.start, t.end)) : undefined;
    } finally {
      tree.delete();
    }
  }

  it('follows two assignments to the value inside a Flask response (Python)', async function () {
    const py = 'def chat():\n    completion = client.chat.completions.create(model="m", messages=[])\n    answer = completion.choices[0].message.content\n    return jsonify({"answer": answer})\n';
    assert.equal(await target('a.py', py, 'client.chat.completions.create', 'jsonify({"answer": answer})'), 'answer');
  });

  it('labels a JS shorthand property by name, and a member chain whole', async function () {
    const ts = 'const completion = await openai.chat.completions.create({});\nconst reply = completion.choices[0].message.content;\nres.json({ reply });\nres.send(completion.choices[0].message.content);\n';
    assert.equal(await target('a.ts', ts, 'openai.chat.completions.create', 'res.json({ reply })'), 'shorthand:reply');
    assert.equal(await target('a.ts', ts, 'openai.chat.completions.create', 'res.send(completion.choices[0].message.content)'), 'completion.choices[0].message.content');
  });

  it('labels the call result when the call itself is inside the sink (Go, Java)', async function () {
    const go = 'package main\nfunc h(w http.ResponseWriter) {\n\tfmt.Fprint(w, genText(client.Generate(ctx, prompt)))\n}\n';
    assert.equal(await target('a.go', go, 'client.Generate', 'fmt.Fprint(w, genText(client.Generate(ctx, prompt)))'), 'client.Generate(ctx, prompt)');
    const java = 'class A { String h() { String out = model.generate(prompt).content(); return respond(out); } }\n';
    assert.equal(await target('A.java', java, 'model.generate', 'respond(out)'), 'out');
  });

  it('follows the value into a helper\'s parameter and out of a helper\'s return (exit in another function)', async function () {
    const py = 'def store(samples, path):\n    sf.write(path, samples, 24000)\ndef speak(text):\n    audio = client.audio.speech.create(input=text)\n    store(audio.content, "o.wav")\n';
    assert.equal(await target('a.py', py, 'client.audio.speech.create', 'sf.write(path, samples, 24000)'), 'samples');
    const ts = 'function ask(q) {\n  const r = openai.chat.completions.create({});\n  return r;\n}\nexport function GET() {\n  return Response.json({ text: ask("q") });\n}\n';
    assert.equal(await target('a.ts', ts, 'openai.chat.completions.create', 'Response.json({ text: ask("q") })'), 'ask("q")');
  });

  it('offers nothing when no name in the sink carries the generated value', async function () {
    const py = 'def chat():\n    answer = client.chat.completions.create(model="m")\n    other = "static"\n    return jsonify({"answer": other})\n';
    assert.equal(await target('a.py', py, 'client.chat.completions.create', 'jsonify({"answer": other})'), undefined);
  });
});
