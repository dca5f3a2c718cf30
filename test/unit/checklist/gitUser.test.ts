import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseGitUserName, resolveUserName } from '../../../src/core/checklist';

describe('git user name from config files', () => {
  it('parses [user] name with quotes, comments and the last value winning', () => {
    assert.equal(parseGitUserName('[core]\n\tname = nope\n[user]\n\tname = "Li Wei" # comment\n\temail = a@b\n'), 'Li Wei');
    assert.equal(parseGitUserName('[user]\nname = A\n[user]\nname = B ; note\n'), 'B');
    assert.equal(parseGitUserName('[User] name = Inline'), 'Inline');
    assert.equal(parseGitUserName('[core]\nfsmonitor = evil.sh\n'), undefined);
  });

  it('prefers the repository config over the global one and never runs git', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-home-'));
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-repo-'));
    fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Global Name\n');
    assert.equal(resolveUserName(repo, {}, home), 'Global Name');
    fs.mkdirSync(path.join(repo, '.git'));
    // A hostile repository config: fsmonitor would run a program if git were executed.
    const marker = path.join(repo, 'ran');
    fs.writeFileSync(path.join(repo, '.git', 'config'), `[core]\n\tfsmonitor = touch ${marker}\n[user]\n\tname = Repo Name\n`);
    assert.equal(resolveUserName(repo, {}, home), 'Repo Name');
    assert.equal(fs.existsSync(marker), false);
  });

  it('follows a .git file to a worktree git dir', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-home-'));
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-wt-'));
    const gd = path.join(repo, 'real-git-dir');
    fs.mkdirSync(gd);
    fs.writeFileSync(path.join(gd, 'config'), '[user]\n name = Worktree Name\n');
    fs.writeFileSync(path.join(repo, '.git'), 'gitdir: real-git-dir\n');
    assert.equal(resolveUserName(repo, {}, home), 'Worktree Name');
  });
});
