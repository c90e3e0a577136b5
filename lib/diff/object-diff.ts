import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments, stringify } from 'yaml';
import { REPORT_FILE } from '../synth/outputs';
import { ArgoPlan, argoPlan } from './argocd-plan';
import type { Manifest } from '../model/manifest';
import type { AppDiff, ObjectChange } from './changes';

/** One object as it appears in a tree of manifests. */
interface TreeObject {
  readonly key: string;
  readonly app: string;
  readonly file: string;
  readonly manifest: Manifest;
  /** The object as YAML without its comments, for line diffs. */
  readonly yaml: string;
}

export interface TreeDiff {
  readonly apps: AppDiff[];
  readonly totals: { added: number; removed: number; changed: number; renamed: number; unchanged: number };
  /** The report before and after, when it differs (it counts as no object). */
  readonly report?: { readonly before: string; readonly after: string };
  /** What Argo CD does with each removed object, and the data at stake. */
  readonly plan: ArgoPlan;
}

/** `Kind namespace/name` with the API group, so a Certificate of two groups never collides. */
function keyOf(m: Manifest): string {
  const group = m.apiVersion?.includes('/') ? `.${m.apiVersion.split('/')[0]}` : '';
  return `${m.kind}${group} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name}`;
}

function objectsOf(files: Map<string, string>): Map<string, TreeObject> {
  const objects = new Map<string, TreeObject>();
  for (const [file, text] of files) {
    const app = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
    if (!/\.ya?ml$/.test(file)) {
      // Not a manifest (e.g. dist/README.md): compared as a whole file, never ignored.
      objects.set(`file ${file}`, { key: `file ${file}`, app, file, manifest: {} as Manifest, yaml: text });
      continue;
    }
    for (const doc of parseAllDocuments(text)) {
      const manifest = doc.toJS() as Manifest | null;
      if (!manifest) continue;
      const key = keyOf(manifest);
      objects.set(key, { key, app, file, manifest, yaml: stringify(manifest, { lineWidth: 0 }) });
    }
  }
  return objects;
}

/** Documents in a YAML file: one, plus one per separator line. */
function documentCount(text: string): number {
  return 1 + (text.match(/^---\s*$/gm)?.length ?? 0);
}

/** The object without its name, to recognise a rename: same kind and content, new name. */
function renameSignature(o: TreeObject): string {
  const { name: _name, ...metadata } = o.manifest.metadata ?? ({} as Manifest['metadata']);
  return `${o.manifest.kind}|${o.manifest.metadata?.namespace}|${JSON.stringify({ ...o.manifest, metadata })}`;
}

/** Compares two trees of manifests object by object, grouped by app folder. */
export function diffTrees(base: Map<string, string>, head: Map<string, string>): TreeDiff {
  // A file with the same bytes on both sides holds the same objects: skip parsing it. Keys are
  // unique per tree, so none of its objects can appear in another file.
  let identical = 0;
  const differs = (a: Map<string, string>, b: Map<string, string>) => new Map([...a].filter(([file, text]) => b.get(file) !== text));
  for (const [file, text] of head) {
    if (file !== REPORT_FILE && base.get(file) === text) identical += /\.ya?ml$/.test(file) ? documentCount(text) : 1;
  }
  const withoutReport = (m: Map<string, string>) => new Map([...m].filter(([file]) => file !== REPORT_FILE));
  const before = objectsOf(differs(withoutReport(base), head));
  const after = objectsOf(differs(withoutReport(head), base));
  const apps = new Map<string, { added: ObjectChange[]; removed: ObjectChange[]; changed: ObjectChange[]; renamed: ObjectChange[] }>();
  const bucket = (app: string) => {
    let b = apps.get(app);
    if (!b) apps.set(app, (b = { added: [], removed: [], changed: [], renamed: [] }));
    return b;
  };
  const patch = (key: string, a: TreeObject | undefined, b: TreeObject | undefined) =>
    createTwoFilesPatch(a?.file ?? '/dev/null', b?.file ?? '/dev/null', a?.yaml ?? '', b?.yaml ?? '', undefined, undefined, { context: 3 })
      .split('\n').slice(2).join('\n').replace(/\n+$/, '').replace(/^/, `# ${key}\n`);

  let unchanged = identical;
  const added: TreeObject[] = [];
  const removed: TreeObject[] = [];
  for (const [key, b] of after) {
    const a = before.get(key);
    if (!a) added.push(b);
    else if (a.yaml !== b.yaml || a.file !== b.file) bucket(b.app).changed.push({ key, file: b.file, manifest: b.manifest, before: a.manifest, patch: patch(key, a, b) });
    else unchanged++;
  }
  for (const [key, a] of before) if (!after.has(key)) removed.push(a);

  const removedBySignature = new Map(removed.map(r => [renameSignature(r), r]));
  for (const b of added) {
    const a = removedBySignature.get(renameSignature(b));
    if (a && a.app === b.app) {
      removedBySignature.delete(renameSignature(b));
      bucket(b.app).renamed.push({ key: b.key, from: a.key, file: b.file, manifest: b.manifest, before: a.manifest, patch: patch(b.key, a, b) });
    } else bucket(b.app).added.push({ key: b.key, file: b.file, manifest: b.manifest });
  }
  for (const a of removedBySignature.values()) bucket(a.app).removed.push({ key: a.key, file: a.file, manifest: a.manifest });

  const sorted = [...apps.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([app, d]) => ({
    app,
    added: d.added.sort((x, y) => x.key.localeCompare(y.key)),
    removed: d.removed.sort((x, y) => x.key.localeCompare(y.key)),
    changed: d.changed.sort((x, y) => x.key.localeCompare(y.key)),
    renamed: d.renamed.sort((x, y) => x.key.localeCompare(y.key)),
  }));
  const sum = (f: (d: AppDiff) => number) => sorted.reduce((n, d) => n + f(d), 0);
  const reportBefore = base.get(REPORT_FILE) ?? '';
  const reportAfter = head.get(REPORT_FILE) ?? '';
  return {
    apps: sorted,
    totals: { added: sum(d => d.added.length), removed: sum(d => d.removed.length), changed: sum(d => d.changed.length), renamed: sum(d => d.renamed.length), unchanged },
    ...(reportBefore !== reportAfter ? { report: { before: reportBefore, after: reportAfter } } : {}),
    plan: argoPlan(sorted, base, head),
  };
}

/** Whether any object differs; the report alone follows the objects and never counts. */
export function hasChanges(diff: TreeDiff): boolean {
  const t = diff.totals;
  return t.added + t.removed + t.changed + t.renamed > 0;
}
