import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The folders Argo CD reads from the repository: what its Applications name. */
export const SYNCED_FOLDERS = ['argocd', 'dist'];

/** A local bare git repository serving the platform's output to Argo CD, and a work tree to commit from. */
export interface GitSource {
  /** `file://...` of the bare repository, which replaces the platform's repoURL everywhere. */
  readonly url: string;
  /** The repoURL it replaced. */
  readonly replaced: string;
  /** The work tree the commits are made in (holding argocd/ and dist/). */
  readonly tree: string;
  /** Commits the work tree (after `change` edits it) and pushes it; returns the new commit. */
  commit(message: string, change?: (tree: string) => void): string;
  /** The files that differ between two commits. */
  changed(from: string, to: string): string[];
  remove(): void;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, {
  cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, GIT_AUTHOR_NAME: 'platform', GIT_AUTHOR_EMAIL: 'platform@localhost', GIT_COMMITTER_NAME: 'platform', GIT_COMMITTER_EMAIL: 'platform@localhost' },
}).trim();

/** Every file under dir, relative to it. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter(e => e.isFile()).map(e => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** Replaces `from` with `to` in every file under dir. */
function rewrite(dir: string, from: string, to: string): void {
  for (const file of filesUnder(dir)) {
    const full = path.join(dir, file);
    const text = fs.readFileSync(full, 'utf8');
    if (text.includes(from)) fs.writeFileSync(full, text.split(from).join(to));
  }
}

/** The repoURL the root Application of `root`/argocd follows. */
export function repoUrlOf(root: string): string {
  const file = path.join(root, 'argocd', 'application-root.yaml');
  const match = fs.existsSync(file) ? /^\s*repoURL:\s*(\S+)\s*$/m.exec(fs.readFileSync(file, 'utf8')) : null;
  if (!match) throw new Error(`${file}: no root Application with a repoURL; run npm run synth`);
  return match[1];
}

/**
 * Serves argocd/ and dist/ of the working tree at `root` (uncommitted changes included) from a
 * local bare repository, as a commit on the branch the root Application follows, with only the
 * repoURL rewritten to the repository's `file://` URL.
 */
export function createGitSource(root: string, branch = 'main'): GitSource {
  const replaced = repoUrlOf(root);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-git-'));
  const bare = path.join(base, 'platform.git');
  const tree = path.join(base, 'tree');
  const url = `file://${bare}`;
  git(base, 'init', '-q', '--bare', '-b', branch, bare);
  git(base, 'init', '-q', '-b', branch, tree);
  for (const folder of SYNCED_FOLDERS) {
    if (fs.existsSync(path.join(root, folder))) fs.cpSync(path.join(root, folder), path.join(tree, folder), { recursive: true });
  }
  git(tree, 'remote', 'add', 'origin', url);
  const source: GitSource = {
    url,
    replaced,
    tree,
    commit(message: string, change?: (tree: string) => void): string {
      change?.(tree);
      rewrite(tree, replaced, url);
      git(tree, 'add', '-A');
      git(tree, 'commit', '-q', '--allow-empty', '-m', message);
      git(tree, 'push', '-q', 'origin', `HEAD:${branch}`);
      return git(tree, 'rev-parse', 'HEAD');
    },
    changed(from: string, to: string): string[] {
      return git(tree, 'diff', '--name-only', '--no-renames', from, to).split('\n').filter(Boolean);
    },
    remove() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
  source.commit('the working tree');
  return source;
}
