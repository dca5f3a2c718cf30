// Writes the last bench run into docs/performance.md between markers, keeping the hand-written
// part of the page (how to run, what each figure means, findings of investigations) intact.
import * as fs from 'node:fs';

const BEGIN = '<!-- bench:begin (written by npm run bench; do not edit by hand) -->';
const END = '<!-- bench:end -->';

function table(rows, head) {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderRun(r) {
  const m = r.machine;
  const lines = [];
  lines.push(`Last run: ${r.date} at commit \`${r.commit}\`${r.quick ? ' (`--quick`: one run per figure)' : ''}.`);
  lines.push('');
  lines.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGB} GB RAM, Node ${m.node}, ${m.os}. Peer: ${r.astGrep}. Peak RSS via ${r.rssMethod}.`);
  lines.push('');
  lines.push('### Corpora');
  lines.push('');
  lines.push(table(Object.entries(r.corpora).map(([k, c]) => [k, String(c.files), String(c.lines), (c.bytes / 1e6).toFixed(1), c.sources.filter((s) => !s.missing && s.files).map((s) => `${s.origin} (${s.files})`).join('; ')]), ['corpus', 'files', 'lines', 'MB', 'sources (files)']));
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push(table(r.targets.map((t) => [t.name, t.pass ? 'PASS' : 'FAIL', t.actual === null ? 'n/a' : `${t.actual}${t.unit}`, `≤ ${t.limit}${t.unit}`, t.gap || '', t.what]), ['target', 'result', 'measured', 'limit', 'gap', 'what']));
  lines.push('');
  lines.push('### Figures');
  lines.push('');
  lines.push('```');
  for (const [k, v] of Object.entries(r.figures)) lines.push(`${k}=${v}${r.units[k] ? ` ${r.units[k]}` : ''}`);
  lines.push('```');
  if (r.notes.length) {
    lines.push('');
    for (const n of r.notes) lines.push(`- ${n}`);
  }
  return lines.join('\n');
}

export function writePerformanceDoc(file, result) {
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Performance\n\n${BEGIN}\n${END}\n`;
  if (!doc.includes(BEGIN) || !doc.includes(END)) doc = `${doc.trimEnd()}\n\n## Last run\n\n${BEGIN}\n${END}\n`;
  const before = doc.slice(0, doc.indexOf(BEGIN) + BEGIN.length);
  const after = doc.slice(doc.indexOf(END));
  fs.writeFileSync(file, `${before}\n${renderRun(result)}\n${after}`);
}
