import { LABEL, MANAGED_BY } from '../k8s/labels';
import { Platform } from '../platform/platform';
import { PlatformChart } from '../platform/platform-chart';
import { categoriesOf } from './categories';
import { CategoryApps } from './category-apps';
import { GITOPS_PART_OF, RootApplication } from './root-application';

/**
 * argocd/: the root application and, per category, an AppProject and an ApplicationSet, all
 * derived from the app charts. Create it after the last app chart.
 */
export class GitOpsChart extends PlatformChart {
  public readonly outputDir = 'argocd';
  public readonly description = 'the GitOps layer';

  constructor(platform: Platform, id = 'argocd') {
    super(platform, id, {
      namespace: platform.argocdNamespace,
      labels: { [LABEL.partOf]: GITOPS_PART_OF, [LABEL.managedBy]: MANAGED_BY },
    });
    new RootApplication(this, 'root');
    for (const category of categoriesOf(platform)) new CategoryApps(this, category.name, category);

    const described = platform.apps.length;
    this.node.addValidation({
      validate: () => (platform.apps.length === described ? [] : [
        `${platform.apps.length - described} app chart(s) were added after the GitOps chart; create GitOpsChart last so Argo CD deploys them`,
      ]),
    });
  }
}
