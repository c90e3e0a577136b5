import { LABEL, MANAGED_BY } from '../k8s/labels';
import { Platform } from '../platform/platform';
import { PlatformChart } from '../platform/platform-chart';
import { categoriesOf } from './categories';
import { CategoryApps } from './category-apps';
import { OperatorApps } from './operator-apps';
import { GITOPS_PART_OF, RootApplication } from './root-application';

/**
 * argocd/: the root application, per category an AppProject and an ApplicationSet, and an
 * Application per operator the app charts require, all derived from the app charts in the derive
 * phase's last step, `gitops`; it may be created anywhere among them.
 */
export class GitOpsChart extends PlatformChart {
  public readonly outputDir = 'argocd';
  public readonly description = 'the GitOps layer';

  constructor(platform: Platform, id = 'argocd') {
    super(platform, id, {
      namespace: platform.argocdNamespace,
      labels: { [LABEL.partOf]: GITOPS_PART_OF, [LABEL.managedBy]: MANAGED_BY },
    });
    platform.onDerive(this, 'gitops', () => {
      new RootApplication(this, 'root');
      for (const category of categoriesOf(platform)) new CategoryApps(this, category.name, category);
      const operators = platform.operators;
      if (operators.length) new OperatorApps(this, 'operators', operators);
    });
  }
}
