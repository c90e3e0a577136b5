import { Construct } from 'constructs';
import { fail } from '../errors';
import { ApplicationSet, ApplicationSetSpecGenerators } from '../../imports/argocd-applicationset-argoproj.io';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { argoRenderedCharts, argoRepoURL } from '../upstream/registry';
import { standardLabels } from '../k8s/labels';
import { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';
import { PodSecurity } from '../platform/pod-security';
import { Category } from './categories';
import { GITOPS_PART_OF } from './root-application';
import { SYNC_WAVE, SyncWaves } from './sync-waves';
import { AUTOMATED_SYNC, RESOURCES_FINALIZER, SYNC_RETRY } from './sync-policy';

/** Argo CD's go-template parameters for a git directory, e.g. `dist/apps/blog`. */
const DIR = { path: '{{.path.path}}', basename: '{{.path.basename}}' };

/** An app that follows every convention: namespace named after its folder, Pod Security restricted. */
function isConventional(app: AppChart): boolean {
  return app.namespace === app.appName && app.podSecurity === PodSecurity.RESTRICTED;
}

/**
 * The git directory generators of a category: one over `dist/<category>/*` for conventional apps,
 * and one per app that needs another namespace or Pod Security level, excluded from the first.
 * Every app folder is matched by exactly one generator.
 */
export function generatorsFor(category: Category, repoURL: string, revision: string): ApplicationSetSpecGenerators[] {
  const folder = (app: AppChart) => app.outputDir;
  const exceptions = category.apps.filter(app => !isConventional(app));
  const generators: ApplicationSetSpecGenerators[] = [];
  if (exceptions.length < category.apps.length) {
    generators.push({
      git: {
        repoUrl: repoURL,
        revision,
        directories: [
          { path: `dist/${category.name}/*` },
          ...exceptions.map(app => ({ path: folder(app), exclude: true })),
        ],
        values: { namespace: DIR.basename, podSecurity: PodSecurity.RESTRICTED.level },
      },
    });
  }
  for (const app of exceptions) {
    generators.push({
      git: {
        repoUrl: repoURL,
        revision,
        directories: [{ path: folder(app) }],
        // `reason` is for reviewers; the template does not read it.
        values: { namespace: app.namespace, podSecurity: app.podSecurity.level, ...(app.podSecurity.reason ? { reason: app.podSecurity.reason } : {}) },
      },
    });
  }
  return generators;
}

// Argo CD refuses longer project descriptions.
const MAX_DESCRIPTION = 255;

function describeCategory(category: Category): string {
  const listed = `Apps of category ${category.name}: ${category.apps.map(a => a.appName).join(', ')}`;
  return listed.length <= MAX_DESCRIPTION ? listed : `The ${category.apps.length} apps of category ${category.name}`;
}

/**
 * The AppProject and ApplicationSet of one category. The project allows this repository only, the
 * namespaces of the category's apps only, and exactly the cluster-scoped objects they render;
 * the ApplicationSet turns each folder `dist/<category>/<app>` into an Application.
 */
export class CategoryApps extends Construct {
  constructor(scope: Construct, id: string, category: Category, waves: SyncWaves) {
    super(scope, id);
    const platform = Platform.of(this);
    const crds = category.clusterResources.filter(r => r.group === 'apiextensions.k8s.io' && r.kind === 'CustomResourceDefinition');
    if (crds.length) {
      fail(this, 'clusterResourceWhitelist', `category ${category.name} renders CustomResourceDefinition ${crds.map(r => r.name).join(', ')}; only the system layer may install CRDs (declare an OperatorRequirement)`);
    }
    const metadata = { name: category.name, labels: standardLabels({ name: category.name, app: GITOPS_PART_OF, component: 'gitops' }) };
    const wave = (n: number) => (n === 0 ? {} : { annotations: { [SYNC_WAVE]: String(n) } });
    const charts = argoRenderedCharts(this).filter(c => c.category === category.name);

    new AppProject(this, 'AppProject', {
      metadata: { ...metadata, ...wave(waves.projects) },
      spec: {
        description: describeCategory(category),
        // This repository, and the repositories of the charts Argo CD renders for the category's apps.
        sourceRepos: [platform.repoURL, ...[...new Set(charts.map(c => argoRepoURL(c.repository)))].sort()],
        destinations: category.namespaces.map(namespace => ({ server: platform.destinationServer, namespace })),
        clusterResourceWhitelist: category.clusterResources,
        namespaceResourceWhitelist: category.namespacedKinds,
      },
    });

    new ApplicationSet(this, 'ApplicationSet', {
      metadata: { ...metadata, ...wave(waves.applicationSets) },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: generatorsFor(category, platform.repoURL, platform.targetRevision),
        template: {
          metadata: {
            name: DIR.basename,
            labels: { 'app.kubernetes.io/part-of': category.name },
            // Apps holding data keep their objects when the Application goes away.
            finalizers: category.holdsData ? undefined : [RESOURCES_FINALIZER],
          },
          spec: {
            project: category.name,
            source: { repoUrl: platform.repoURL, targetRevision: platform.targetRevision, path: DIR.path },
            destination: { server: platform.destinationServer, namespace: '{{.values.namespace}}' },
            syncPolicy: {
              automated: AUTOMATED_SYNC,
              retry: SYNC_RETRY,
              syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
              managedNamespaceMetadata: {
                labels: {
                  'pod-security.kubernetes.io/enforce': '{{.values.podSecurity}}',
                  'pod-security.kubernetes.io/audit': '{{.values.podSecurity}}',
                  'pod-security.kubernetes.io/warn': '{{.values.podSecurity}}',
                },
              },
            },
          },
        },
        syncPolicy: category.holdsData ? { preserveResourcesOnDeletion: true } : undefined,
      },
    });

    // Charts an app has Argo CD render (`renderedBy: 'argocd'`): one Application each, beside the
    // app's own, into the app's namespace (which the app's Application creates with its labels).
    for (const chart of charts) {
      new Application(this, `chart-${chart.name}`, {
        metadata: { name: chart.name, labels: standardLabels({ name: chart.name, app: GITOPS_PART_OF, component: 'chart' }) },
        spec: {
          project: category.name,
          source: {
            repoUrl: argoRepoURL(chart.repository),
            chart: chart.chart,
            targetRevision: chart.version,
            helm: { releaseName: chart.releaseName, valuesObject: chart.values },
          },
          destination: { server: platform.destinationServer, namespace: chart.namespace },
          syncPolicy: { automated: AUTOMATED_SYNC, retry: SYNC_RETRY, syncOptions: ['ServerSideApply=true'] },
        },
      });
    }
  }
}
