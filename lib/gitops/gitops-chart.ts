import { LABEL, MANAGED_BY } from '../k8s/labels';
import { Platform } from '../platform/platform';
import { PlatformChart } from '../platform/platform-chart';
import { categoriesOf } from './categories';
import { OperatorInstalls } from '../operators/operator-installs';
import { SYSTEM_CATEGORY, SystemChart } from '../platform/system-chart';
import { CategoryApps } from './category-apps';
import { GITOPS_PART_OF, RootApplication } from './root-application';
import { syncWaves } from './sync-waves';
import { SystemApps } from './system-apps';

/**
 * argocd/: the root application; the system layer's AppProject and an Application per system app
 * (Argo CD, then the operators the apps require); per other category an AppProject and an
 * ApplicationSet. All derived from the app charts in the derive phase's last step, `gitops`; it
 * may be created anywhere among them.
 */
export class GitOpsChart extends PlatformChart {
  public readonly outputDir = 'argocd';
  public readonly description = 'the GitOps layer';

  constructor(platform: Platform, id = 'gitops') {
    super(platform, id, {
      namespace: platform.argocdNamespace,
      labels: { [LABEL.partOf]: GITOPS_PART_OF, [LABEL.managedBy]: MANAGED_BY },
    });
    // Argo CD installs what the apps require: each operator becomes an app of the system layer.
    new OperatorInstalls(platform);
    platform.onDerive(this, 'gitops', () => {
      const system = platform.apps.filter(SystemChart.isSystemChart);
      // The system app that runs in Argo CD's namespace is Argo CD itself.
      const waves = syncWaves(system, system.find(app => app.namespace === platform.argocdNamespace));
      new RootApplication(this, 'root', waves);
      for (const category of categoriesOf(platform)) {
        if (category.name === SYSTEM_CATEGORY) new SystemApps(this, category.name, category, waves);
        else new CategoryApps(this, category.name, category, waves);
      }
    });
  }
}
