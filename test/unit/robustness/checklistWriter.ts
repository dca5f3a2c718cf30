/**
 * One writer process for the concurrent-checklist test: a ChecklistSession on a shared file that
 * keeps changing its own rows (new rows first, then re-editing them) for a while, as a second
 * VS Code window or a teammate's editor would, and calls `diskChanged` now and then as the file
 * watcher does. Prints the last value it set for every row, so the test can count lost changes.
 */
import { ChecklistSession } from '../../../src/core/checklist';

const [file, name, durationMs, maxRows] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5] ?? '200')];
const session = new ChecklistSession(file, () => name);
session.load();
const last: Record<string, string> = {};
const end = Date.now() + durationMs;
let i = 0;

function step(): void {
  if (Date.now() >= end) {
    process.stdout.write(JSON.stringify({ last, changes: i }));
    return;
  }
  const id = `${name}-r${i % maxRows}`;
  const note = `${name} change ${i}`;
  session.change({ id, note, state: i % 2 ? 'done' : 'in-progress' });
  last[id] = note;
  i++;
  if (i % 7 === 0) session.diskChanged();
  // A short random pause interleaves the two writers differently on every run.
  setTimeout(step, Math.floor(Math.random() * 4));
}
step();
