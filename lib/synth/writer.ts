import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a write changed, by repository-relative path. */
export interface WriteResult {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  readonly unchanged: number;
}

/** Test seam: runs after the new trees are staged, before they are swapped in. */
export interface WriteHooks {
  readonly afterStage?: () => void;
}

/** Every file under `dir`, as repository-relative paths, with contents. */
export function readTree(root: string, dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (relative: string) => {
    const absolute = path.join(root, relative);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else files.set(child, fs.readFileSync(path.join(root, child), 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** Compares what is on disk with what should be, without writing. */
export function compareTrees(existing: Map<string, string>, wanted: Map<string, string>): WriteResult {
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const [file, content] of wanted) {
    const old = existing.get(file);
    if (old === undefined) added.push(file);
    else if (old !== content) changed.push(file);
    else unchanged++;
  }
  const removed = [...existing.keys()].filter(file => !wanted.has(file)).sort();
  return { added, changed, removed, unchanged };
}

/**
 * Replaces the folders `dirs` under `root` with exactly `files` (repository-relative paths, each
 * inside one of `dirs`). The new folders are written beside the old ones and renamed into place,
 * so a failure at any point leaves the old folders as they were; stale files disappear with them.
 */
export function replaceTrees(root: string, dirs: string[], files: Map<string, string>, hooks: WriteHooks = {}): WriteResult {
  const existing = new Map<string, string>();
  for (const dir of dirs) for (const [file, content] of readTree(root, dir)) existing.set(file, content);
  const result = compareTrees(existing, files);
  if (result.added.length + result.changed.length + result.removed.length === 0) return result;

  const staging = fs.mkdtempSync(path.join(root, '.synth-'));
  const swapped: { dir: string; hadOld: boolean }[] = [];
  try {
    for (const dir of dirs) fs.mkdirSync(path.join(staging, 'new', dir), { recursive: true });
    fs.mkdirSync(path.join(staging, 'old'));
    for (const [file, content] of files) {
      const target = path.join(staging, 'new', file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    hooks.afterStage?.();
    for (const dir of dirs) {
      const live = path.join(root, dir);
      const hadOld = fs.existsSync(live);
      if (hadOld) fs.renameSync(live, path.join(staging, 'old', dir));
      swapped.push({ dir, hadOld });
      fs.renameSync(path.join(staging, 'new', dir), live);
    }
  } catch (error) {
    // Put back whatever was already moved aside, newest first.
    for (const { dir, hadOld } of swapped.reverse()) {
      const live = path.join(root, dir);
      fs.rmSync(live, { recursive: true, force: true });
      if (hadOld) fs.renameSync(path.join(staging, 'old', dir), live);
    }
    throw error;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return result;
}
