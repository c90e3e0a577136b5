import { parseAllDocuments } from 'yaml';
import { dataHeld, syncOptions } from '../k8s/protection';
import { ArgoApplication, ArgoApplicationSet, asApplication, asApplicationSet } from '../model/argocd';
import type { Manifest } from '../model/manifest';
import { asKind } from '../model/kube';
import type { ApplicationSetSpecGenerators } from '../../imports/argocd-applicationset-argoproj.io';
import type { AppDiff, ObjectChange } from './changes';

/*
 * What Argo CD does with an object that leaves git, read from the Applications and ApplicationSets
 * of argocd/ on both sides of the diff: an object removed from an app that stays is pruned (or
 * kept, with Prune=false); an object whose whole app goes away goes with its Application, or stays
 * running as an orphan when the ApplicationSet preserves resources on deletion, or when the
 * Application has no resources finalizer.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-pruning
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Application-Deletion/
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/app_deletion/
 */

/** What happens to a removed object in the cluster. */
export type FateKind = 'pruned' | 'deleted' | 'kept' | 'orphaned' | 'left';

export interface Fate {
  readonly kind: FateKind;
  /** Why, in a sentence a reviewer can check against argocd/. */
  readonly reason: string;
}

const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

interface AppSource {
  /** The Application's name. */
  readonly name: string;
  /** Whether its sync prunes what leaves git. */
  readonly prune: boolean;
  /** Whether deleting it deletes its resources (the resources finalizer). */
  readonly cascade: boolean;
  /** The ApplicationSet that generates it, and whether that set keeps resources when it deletes it. */
  readonly set?: { readonly name: string; readonly preserve: boolean };
}

/** The Argo CD objects of a tree, parsed once. */
class ArgoTree {
  private readonly applications: ArgoApplication[] = [];
  private readonly sets: ArgoApplicationSet[] = [];
  private readonly folders = new Set<string>();

  constructor(files: Map<string, string>) {
    for (const [file, text] of files) {
      if (file.includes('/')) this.folders.add(file.slice(0, file.lastIndexOf('/')));
      if (!file.startsWith('argocd/')) continue;
      for (const doc of parseAllDocuments(text)) {
        const m: unknown = doc.toJS();
        const app = asApplication(m);
        if (app) this.applications.push(app);
        const set = asApplicationSet(m);
        if (set) this.sets.push(set);
      }
    }
  }

  /** The Application that syncs `folder`, as its Application or ApplicationSet declares it. */
  public ownerOf(folder: string): AppSource | undefined {
    const app = this.applications.find(a => a.spec?.source?.path === folder);
    if (app) {
      return { name: app.metadata.name, prune: app.spec?.syncPolicy?.automated?.prune === true, cascade: (app.metadata.finalizers ?? []).includes(RESOURCES_FINALIZER) };
    }
    for (const set of this.sets) {
      const matched = (set.spec?.generators ?? []).some(g => generatorMatches(g, folder));
      if (!matched) continue;
      const template: Partial<NonNullable<ArgoApplicationSet['spec']>['template']> = set.spec?.template ?? {};
      return {
        name: folder.slice(folder.lastIndexOf('/') + 1),
        prune: template.spec?.syncPolicy?.automated?.prune === true,
        cascade: (template.metadata?.finalizers ?? []).includes(RESOURCES_FINALIZER),
        set: { name: set.metadata.name, preserve: set.spec?.syncPolicy?.preserveResourcesOnDeletion === true },
      };
    }
    return undefined;
  }

  /** Whether git holds the folder: a git directory generator makes no Application for a folder that is gone. */
  public hasFolder(folder: string): boolean {
    return this.folders.has(folder);
  }
}

/** A glob of a git directory generator: `*` is one path segment. */
function globMatches(glob: string, folder: string): boolean {
  const pattern = `^${glob.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`;
  return new RegExp(pattern).test(folder);
}

function generatorMatches(generator: ApplicationSetSpecGenerators | undefined, folder: string): boolean {
  const directories: readonly { path: string; exclude?: boolean }[] = generator?.git?.directories ?? [];
  return directories.some(d => !d.exclude && globMatches(d.path, folder)) && !directories.some(d => d.exclude && globMatches(d.path, folder));
}

/**
 * What Argo CD does with `object`, removed from `folder` of the base revision, once the head is
 * synced: the app's Application as the base declares it, and whether the head still has it.
 */
function fateOf(object: Manifest, folder: string, base: ArgoTree, head: ArgoTree): Fate {
  const options = syncOptions(object);
  const owner = base.ownerOf(folder);
  if (!owner) return { kind: 'left', reason: `no Application syncs ${folder}, so nothing removes it` };
  const after = head.hasFolder(folder) ? head.ownerOf(folder) : undefined;
  if (after && after.name === owner.name) {
    if (options.includes('Prune=false')) return { kind: 'kept', reason: `Prune=false: Application ${owner.name} never prunes it; it stays, shown as out of sync, until deleted by hand` };
    if (owner.prune) return { kind: 'pruned', reason: `Application ${owner.name} prunes it on its next automated sync` };
    return { kind: 'left', reason: `Application ${owner.name} does not prune automatically: it stays until a sync with prune` };
  }
  // The whole app goes: its Application is deleted.
  const gone = owner.set ? `ApplicationSet ${owner.set.name} deletes Application ${owner.name} (its folder is gone)` : `root prunes Application ${owner.name}`;
  if (owner.set?.preserve) return { kind: 'orphaned', reason: `${gone} but preserves resources on deletion: it keeps running, orphaned, managed by nothing, until deleted by hand` };
  if (!owner.cascade) return { kind: 'orphaned', reason: `${gone} without its resources finalizer: it keeps running, orphaned, until deleted by hand` };
  if (options.includes('Delete=false')) return { kind: 'kept', reason: `${gone} with its resources, but Delete=false keeps this one, orphaned, until deleted by hand` };
  return { kind: 'deleted', reason: `${gone} with its resources` };
}

/** A data-holding object removed, replaced, or changed in a way that replaces it, with what happens to its data. */
export interface DataWarning {
  readonly key: string;
  readonly app: string;
  readonly message: string;
}

// Fields the API server does not let a sync change in place: the object must be deleted and created again.
const IMMUTABLE: Record<string, (m: Manifest) => unknown> = {
  PersistentVolumeClaim: m => {
    const spec = asKind(m, 'PersistentVolumeClaim')?.spec;
    return { ...spec, resources: { ...spec?.resources, requests: { ...spec?.resources?.requests, storage: undefined } } };
  },
  StatefulSet: m => {
    const spec = asKind(m, 'StatefulSet')?.spec;
    return { selector: spec?.selector, serviceName: spec?.serviceName, volumeClaimTemplates: spec?.volumeClaimTemplates, podManagementPolicy: spec?.podManagementPolicy };
  },
};

/** The plan of removals and data warnings for a diff, from the two trees it was made of. */
export interface ArgoPlan {
  /** The fate of every removed object (and the old side of every rename), by its key. */
  readonly fates: Map<string, Fate>;
  readonly data: DataWarning[];
}

export function argoPlan(apps: AppDiff[], base: Map<string, string>, head: Map<string, string>): ArgoPlan {
  const before = new ArgoTree(base);
  const after = new ArgoTree(head);
  const fates = new Map<string, Fate>();
  const data: DataWarning[] = [];
  const folderOf = (c: ObjectChange) => c.file.slice(0, c.file.lastIndexOf('/'));
  for (const app of apps) {
    for (const c of app.removed) {
      const fate = fateOf(c.manifest, folderOf(c), before, after);
      fates.set(c.key, fate);
      const held = dataHeld(c.manifest);
      if (held) data.push({ key: c.key, app: app.app, message: `removed; it holds ${held}: ${fate.reason}` });
    }
    for (const c of app.renamed) {
      const fate = fateOf(c.before!, folderOf(c), before, after);
      fates.set(c.from!, fate);
      const held = dataHeld(c.before!);
      if (held) data.push({ key: c.key, app: app.app, message: `replaces ${c.from}, which holds ${held}: the new one starts empty; the old one: ${fate.reason}` });
    }
    for (const c of app.changed) {
      const held = dataHeld(c.before!);
      const immutable = IMMUTABLE[c.manifest.kind];
      if (!held || !immutable) continue;
      if (JSON.stringify(immutable(c.before!)) !== JSON.stringify(immutable(c.manifest))) {
        data.push({ key: c.key, app: app.app, message: `changes fields the API server keeps immutable, so the sync fails until the object is deleted and created again; it holds ${held}${c.manifest.kind === 'PersistentVolumeClaim' ? ', which a new claim does not have' : ' (its claims stay, and a new StatefulSet of the same name binds them again)'}` });
      }
    }
  }
  return { fates, data };
}

/** One sentence on what a sync does with the removed objects: how many pruned, kept, orphaned, deleted. */
export function removalSummary(plan: ArgoPlan): string | undefined {
  if (!plan.fates.size) return undefined;
  const count = (kind: FateKind) => [...plan.fates.values()].filter(f => f.kind === kind).length;
  const parts = [
    count('pruned') && `prunes ${count('pruned')}`,
    count('deleted') && `deletes ${count('deleted')} with their Application`,
    count('orphaned') && `leaves ${count('orphaned')} running as orphans`,
    count('kept') && `keeps ${count('kept')} (Prune=false or Delete=false)`,
    count('left') && `leaves ${count('left')} in place`,
  ].filter(Boolean);
  return `Argo CD, of the ${plan.fates.size} removed: ${parts.join(', ')}.`;
}
