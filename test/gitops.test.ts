import { describe, expect, it } from 'vitest';
import { buildPlatform } from '../charts/platform';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { isClusterScoped } from '../lib/k8s/scope';
import { AppChart } from '../lib/platform/app-chart';
import { PodSecurity } from '../lib/platform/pod-security';
import type { Manifest } from '../lib/model/manifest';
import { render } from '../lib/synth/render';
import { WebService } from '../lib/web/web-service';
import { errorOf } from './support/failures';
import { goPathMatch } from './support/go-path-match';
import { emptyPlatform } from './support/platform';
import { PLATFORMS } from './support/platforms';

interface GitGenerator {
  git: { repoURL: string; revision: string; directories: { path: string; exclude?: boolean }[]; values: Record<string, string> };
}

/** The platform's rendered objects, grouped the way Argo CD sees the repository. */
function renderedPlatform(platform = buildPlatform()) {
  const rendering = render(platform);
  const argo = rendering.objects.filter(o => o.file.startsWith('argocd/')).map(o => o.manifest);
  const appFolders = [...new Set(rendering.objects.filter(o => o.file.startsWith('dist/')).map(o => o.file.slice(0, o.file.lastIndexOf('/'))))];
  // Every folder Argo CD's directory generator can see: each prefix of each file's folder.
  const directories = new Set(appFolders.flatMap(f => f.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const objectsIn = (folder: string) => rendering.objects.filter(o => o.file.startsWith(`${folder}/`)).map(o => o.manifest);
  return { rendering, argo, appFolders, directories: [...directories], objectsIn };
}

const applicationSets = (argo: Manifest[]) => argo.filter(o => o.kind === 'ApplicationSet') as any[];
/** The Applications argocd/ holds itself that sync an app folder (the system layer's). */
const folderApplications = (argo: Manifest[]) => argo.filter(o => o.kind === 'Application' && (o as any).spec.source.path?.startsWith('dist/')) as any[];

/** Which folders a git directory generator yields, by Argo CD's rules: excludes win over includes. */
function matchedBy(generator: GitGenerator, directories: string[]): string[] {
  const dirs = generator.git.directories;
  return directories.filter(d => dirs.some(p => !p.exclude && goPathMatch(p.path, d)) && !dirs.some(p => p.exclude && goPathMatch(p.path, d)));
}

/** Evaluates the few go-template expressions our templates use. */
function evaluate(template: string, folder: string, values: Record<string, string>): string {
  const params: Record<string, string> = { '.path.path': folder, '.path.basename': folder.slice(folder.lastIndexOf('/') + 1) };
  const withParams = (s: string) => s.replace(/\{\{(\.path\.[a-z]+)\}\}/g, (_, k) => params[k]);
  return withParams(template).replace(/\{\{\.values\.([a-zA-Z]+)\}\}/g, (_, k) => withParams(values[k]));
}

describe.each(PLATFORMS)('ApplicationSets of %s', (_, build) => {
  const platform = build();
  const rendered = renderedPlatform(platform);

  it('match every dist/<category>/<app> folder with exactly one generator or Application, and nothing else', () => {
    const { argo, appFolders, directories } = rendered;
    const matches = new Map<string, number>();
    for (const set of applicationSets(argo)) {
      for (const generator of set.spec.generators as GitGenerator[]) {
        for (const folder of matchedBy(generator, directories)) matches.set(folder, (matches.get(folder) ?? 0) + 1);
      }
    }
    for (const app of folderApplications(argo)) matches.set(app.spec.source.path, (matches.get(app.spec.source.path) ?? 0) + 1);
    expect([...matches.keys()].sort()).toEqual([...appFolders].sort());
    expect([...matches.values()].every(n => n === 1)).toBe(true);
  });

  it('send each app to the namespace of every namespaced object in its folder', () => {
    const { argo, directories, objectsIn } = rendered;
    for (const set of applicationSets(argo)) {
      for (const generator of set.spec.generators as GitGenerator[]) {
        for (const folder of matchedBy(generator, directories)) {
          const destination = evaluate(set.spec.template.spec.destination.namespace, folder, generator.git.values);
          // An app may hold only cluster-scoped objects (the ClusterIssuer, the ClusterSecretStore).
          expect(objectsIn(folder).length, folder).toBeGreaterThan(0);
          const namespaced = objectsIn(folder).filter(o => !isClusterScoped(o.apiVersion, o.kind));
          for (const object of namespaced) expect(object.metadata.namespace, `${folder} ${object.kind}/${object.metadata.name}`).toBe(destination);
          expect(evaluate(set.spec.template.spec.source.path, folder, generator.git.values)).toBe(folder);
        }
      }
    }
  });

  it('label each namespace with its Pod Security level: restricted, or the level an app states a reason for', () => {
    const { argo, directories } = rendered;
    const levels: Record<string, string> = {};
    for (const set of applicationSets(argo)) {
      for (const generator of set.spec.generators as GitGenerator[]) {
        for (const folder of matchedBy(generator, directories)) {
          levels[folder] = evaluate(set.spec.template.spec.syncPolicy.managedNamespaceMetadata.labels['pod-security.kubernetes.io/enforce'], folder, generator.git.values);
        }
      }
    }
    for (const app of folderApplications(argo)) levels[app.spec.source.path] = app.spec.syncPolicy.managedNamespaceMetadata.labels['pod-security.kubernetes.io/enforce'];
    expect(levels).toEqual(Object.fromEntries(platform.apps.map(app => [app.outputDir, app.podSecurity.level])));
    // Host networking and host folders: the apps that state why.
    expect(levels).toMatchObject({ 'dist/monitoring/alloy': 'privileged', 'dist/monitoring/node-exporter': 'privileged', 'dist/networking/cloudflared': 'privileged' });
    for (const app of platform.apps.filter(a => a.podSecurity !== PodSecurity.RESTRICTED)) expect(app.podSecurity.reason, app.appName).toBeTruthy();
    const networking = applicationSets(argo).find(s => s.metadata.name === 'networking');
    expect(networking.spec.generators).toEqual([{
      git: {
        repoURL: 'https://git.example.com/homelab/platform.git',
        revision: 'main',
        directories: [{ path: 'dist/networking/*' }, { path: 'dist/networking/cloudflared', exclude: true }],
        values: { namespace: '{{.path.basename}}', podSecurity: 'restricted' },
      },
    }, {
      git: {
        repoURL: 'https://git.example.com/homelab/platform.git',
        revision: 'main',
        directories: [{ path: 'dist/networking/cloudflared' }],
        values: { namespace: 'cloudflared', podSecurity: 'privileged', reason: 'cloudflared runs with hostNetwork, which seed 000 uses to avoid intermittent 502s on a single-node cluster' },
      },
    }]);
  });

  it('sync automatically with prune, self-heal, the seed\'s retry policy, and missingkey=error templates', () => {
    for (const set of applicationSets(rendered.argo)) {
      expect(set.spec.goTemplate).toBe(true);
      expect(set.spec.goTemplateOptions).toEqual(['missingkey=error']);
      expect(set.spec.template.spec.syncPolicy).toMatchObject({
        automated: { prune: true, selfHeal: true },
        retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
      });
    }
  });

  it('preserve the resources of categories that hold data, and cascade-delete the others', () => {
    const sets = Object.fromEntries(applicationSets(rendered.argo).map(s => [s.metadata.name, s]));
    expect(sets.apps.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(sets.apps.spec.template.metadata).not.toHaveProperty('finalizers');
    // Prometheus, Loki and Grafana keep their data on claims.
    expect(sets.monitoring.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(sets.networking.spec).not.toHaveProperty('syncPolicy');
    expect(sets.networking.spec.template.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  it('exclude from the wildcard generator an app that needs its own namespace name', () => {
    const platform = emptyPlatform();
    for (const [name, namespace] of [['a', undefined], ['b', 'custom-ns']] as const) {
      new WebService(new AppChart(platform, name, { category: 'apps', namespace }), 'web', { image: 'demo:1.0.0', port: 80 });
    }
    new GitOpsChart(platform);
    const set = applicationSets(renderedPlatform(platform).argo)[0];
    expect(set.spec.generators.map((g: GitGenerator) => g.git.directories)).toEqual([
      [{ path: 'dist/apps/*' }, { path: 'dist/apps/b', exclude: true }],
      [{ path: 'dist/apps/b' }],
    ]);
    expect(set.spec.generators[1].git.values).toEqual({ namespace: 'custom-ns', podSecurity: 'restricted' });
  });
});

describe('the system layer and the sync waves of argocd/', () => {
  const { argo } = renderedPlatform();
  const wave = (o: any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

  it('syncs Argo CD and each operator by an Application of its own, in project system, never deleting what it installed', () => {
    const system = folderApplications(argo);
    expect(system.map(a => a.spec.source.path)).toEqual(system.map(a => `dist/system/${a.metadata.name}`));
    for (const app of system) {
      expect(app.spec.project).toBe('system');
      expect(app.metadata.finalizers, app.metadata.name).toBeUndefined();
      expect(app.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true', 'ServerSideApply=true']);
    }
  });

  it('creates the AppProjects first, then Argo CD, then the operators in the order they need each other, then the ApplicationSets', () => {
    const projects = argo.filter(o => o.kind === 'AppProject');
    const system = folderApplications(argo);
    const argocd = system.find(a => a.spec.destination.namespace === 'argocd');
    const operators = system.filter(a => a !== argocd);
    const sets = applicationSets(argo);
    expect(new Set(projects.map(wave)).size).toBe(1);
    expect(wave(projects[0])).toBeLessThan(wave(argocd));
    for (const o of operators) expect(wave(argocd), o.metadata.name).toBeLessThan(wave(o));
    for (const o of operators) for (const set of sets) expect(wave(o)).toBeLessThan(wave(set));
  });
});

describe('AppProjects', () => {
  it('allow only this repository, the namespaces of their apps, and exactly the cluster-scoped objects needed', () => {
    const platform = buildPlatform();
    const projects = Object.fromEntries(renderedPlatform(platform).argo.filter(o => o.kind === 'AppProject').map(p => [p.metadata.name, p.spec as any]));
    expect(projects.apps.sourceRepos).toEqual(['https://git.example.com/homelab/platform.git']);
    for (const category of platform.categories) {
      const namespaces = platform.apps.filter(a => a.category === category).map(a => a.namespace).sort();
      expect(projects[category].destinations, category).toEqual(namespaces.map(namespace => ({ namespace, server: 'https://kubernetes.default.svc' })));
      expect(projects[category].clusterResourceWhitelist.filter((r: any) => r.kind === 'Namespace'), category).toEqual(namespaces.map(name => ({ group: '', kind: 'Namespace', name })));
    }
    expect(projects.networking.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'cloudflared' },
      { group: '', kind: 'Namespace', name: 'edge' },
      { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
    ]);
    expect(projects.networking.namespaceResourceWhitelist).toEqual([
      { group: '', kind: 'ConfigMap' },
      { group: '', kind: 'LimitRange' },
      { group: '', kind: 'ResourceQuota' },
      { group: 'apps', kind: 'Deployment' },
      { group: 'external-secrets.io', kind: 'ExternalSecret' },
      { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
    ]);
    expect(projects.security.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'secrets' },
      { group: 'external-secrets.io', kind: 'ClusterSecretStore', name: 'homelab' },
    ]);
  });

  it('give the root application a project that may only manage Argo CD objects in argocd', () => {
    const { argo } = renderedPlatform();
    const root = argo.find(o => o.kind === 'Application' && o.metadata.name === 'root') as any;
    expect(root.spec).toEqual({
      project: 'root',
      source: { repoURL: 'https://git.example.com/homelab/platform.git', targetRevision: 'main', path: 'argocd' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } },
    });
    const project = argo.find(o => o.kind === 'AppProject' && o.metadata.name === 'root') as any;
    expect(project.spec).toMatchObject({
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: ['AppProject', 'Application', 'ApplicationSet'].map(kind => ({ group: 'argoproj.io', kind })),
    });
  });

  it('state a reason for every Pod Security level below restricted', () => {
    const platform = emptyPlatform();
    const error = errorOf(() => new AppChart(platform, 'host', { category: 'apps', podSecurity: PodSecurity.privileged('  ') }));
    expect(error).toBe('host: podSecurity: a Pod Security level below "restricted" needs a reason: PodSecurity.privileged(\'<why>\')');
  });
});
