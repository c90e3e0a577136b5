import * as fs from 'node:fs';
import * as path from 'node:path';
import { asApplicationSet } from '../model/argocd';
import { ModelObject, ObjectIndex } from '../model/object-index';
import { readYamlDocuments } from '../validate/load';

/** One object read from a YAML file. */
export interface SourceObject {
  readonly file: string;
  // A YAML document of any kind, applied as it is; the tests read it down to any field, lib/ code
  // narrows it through lib/model (asApplicationSet, asKind) where it reads one.
  readonly object: any;
}

/** One Argo CD Application's worth of objects: a folder, its namespace and that namespace's labels. */
export interface AppSource {
  readonly name: string;
  readonly project: string;
  /** The ApplicationSet that generates it; undefined for an Application argocd/ holds itself. */
  readonly generatedBy?: string;
  /** The sync wave the root Application creates it (or its ApplicationSet) in. */
  readonly wave: number;
  readonly folder: string;
  /** The destination namespace; also given to namespaced objects that name none. */
  readonly namespace: string;
  readonly namespaceLabels: Record<string, string>;
  readonly namespaceAnnotations: Record<string, string>;
  /** Only when it comes from an ApplicationSet: Argo CD's CreateNamespace=true. */
  readonly createNamespace: boolean;
}

/** Every object of every .yaml/.yml file under folder (recursively, sorted), with its file. */
export function readObjects(folder: string): SourceObject[] {
  const out: SourceObject[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) {
        // Through the validator's parse cache: the cluster tests read dist/ many times over.
        for (const object of readYamlDocuments(full) as any[]) {
          if (object && typeof object === 'object' && object.kind) out.push({ file: full, object });
        }
      }
    }
  };
  walk(folder);
  return out;
}

/** An object read from YAML, as the model's index holds it: its manifest is the object. */
export type IndexedObject = SourceObject & ModelObject;

/**
 * Every object under folder in the model's index (lib/model/object-index.ts, the one synthesis and
 * the validator read): by kind, name and namespace, with the pod templates and their owners.
 */
export function readIndex(folder: string): ObjectIndex<IndexedObject> {
  return new ObjectIndex(readObjects(folder).map(s => ({ ...s, manifest: s.object })));
}

/** Fills Argo CD's go templates as the git directory generator does ({{.path.basename}}, {{.values.x}}). */
function fill(text: string, params: Record<string, string>): string {
  return text.replace(/\{\{\s*\.([\w.]+)\s*\}\}/g, (whole, key: string) => params[key] ?? whole);
}

function fillAll(record: Record<string, string> | undefined, params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, fill(String(v), params)]));
}

const waveOf = (o: { metadata?: { annotations?: Record<string, string> } }) => Number(o.metadata?.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

/**
 * Every Application argocd/ declares that syncs a folder of the repository (the system layer's,
 * the root's aside), then every one its git-directory ApplicationSets generate: our model of what
 * Argo CD creates, in sync-wave order. root is where the folders resolve.
 */
export function declaredApplications(argocdDir: string, root: string): AppSource[] {
  const index = readIndex(argocdDir);
  const own = index.ofKind('Application').map(s => s.object).filter(o => o.spec?.source?.path && o.spec.source.path !== path.basename(argocdDir))
    .sort((a, b) => waveOf(a) - waveOf(b) || a.metadata.name.localeCompare(b.metadata.name))
    .map((app): AppSource => {
      const policy = app.spec.syncPolicy ?? {};
      return {
        name: app.metadata.name,
        project: app.spec.project,
        wave: waveOf(app),
        folder: path.join(root, app.spec.source.path),
        namespace: app.spec.destination.namespace,
        namespaceLabels: policy.managedNamespaceMetadata?.labels ?? {},
        namespaceAnnotations: policy.managedNamespaceMetadata?.annotations ?? {},
        createNamespace: (policy.syncOptions ?? []).includes('CreateNamespace=true'),
      };
    });
  return [...own, ...applicationSetApps(index.ofKind('ApplicationSet').map(s => s.object), root)];
}

/**
 * The Applications the git-directory ApplicationSets among `objects` generate, in the order of
 * their ApplicationSet's sync wave, then path. root is where the generators' paths resolve.
 */
function applicationSetApps(objects: unknown[], root: string): AppSource[] {
  const sets = objects.flatMap(o => asApplicationSet(o) ?? []).filter(s => s.spec);
  sets.sort((a, b) => waveOf(a) - waveOf(b) || a.metadata.name.localeCompare(b.metadata.name));
  const apps: AppSource[] = [];
  for (const set of sets) {
    for (const generator of set.spec?.generators ?? []) {
      const dirs: { path: string; exclude?: boolean }[] = generator.git?.directories ?? [];
      // Argo CD: a folder any exclude entry matches is left out, whatever includes it.
      const excluded = new Set(dirs.filter(d => d.exclude).flatMap(d => globDirs(root, d.path)));
      const included = [...new Set(dirs.filter(d => !d.exclude).flatMap(d => globDirs(root, d.path)))];
      {
        for (const folder of included.filter(f => !excluded.has(f))) {
          const rel = path.relative(root, folder);
          const params: Record<string, string> = { 'path.path': rel, 'path.basename': path.basename(rel) };
          for (const [k, v] of Object.entries(generator.git?.values ?? {})) params[`values.${k}`] = fill(String(v), params);
          const spec = set.spec!.template.spec;
          const meta = spec.syncPolicy?.managedNamespaceMetadata ?? {};
          apps.push({
            name: fill(set.spec!.template.metadata.name ?? '', params),
            project: fill(spec.project, params),
            generatedBy: set.metadata.name,
            wave: waveOf(set),
            folder,
            namespace: fill(spec.destination.namespace ?? '', params),
            namespaceLabels: fillAll(meta.labels, params),
            namespaceAnnotations: fillAll(meta.annotations, params),
            createNamespace: (spec.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true'),
          });
        }
      }
    }
  }
  return apps;
}

/** Folders matching a generator path such as dist/apps/* (one `*` per segment). */
function globDirs(root: string, pattern: string): string[] {
  let found = [root];
  for (const segment of pattern.split('/')) {
    const re = new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
    found = found.flatMap(dir => fs.existsSync(dir) && fs.statSync(dir).isDirectory()
      ? fs.readdirSync(dir).filter(name => re.test(name)).sort().map(name => path.join(dir, name))
        .filter(p => fs.statSync(p).isDirectory())
      : []);
  }
  return found;
}
