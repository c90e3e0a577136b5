import { LABEL, MANAGED_BY } from '../k8s/labels';
import { Platform } from '../platform/platform';
import { PlatformChart } from '../platform/platform-chart';
import { categoriesOf } from './categories';
import { CategoryApps } from './category-apps';
import { OperatorApps } from './operator-apps';
import { GITOPS_PART_OF, RootApplication } from './root-application';

/**
 * argocd/: the root application, per category an AppProject and an ApplicationSet, and an
 * Application per operator the app charts require, all derived from the app charts. Create it after the last app chart.
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
    // Operators are required by the constructs of the app charts created before this one.
    const operators = platform.operators;
    if (operators.length) new OperatorApps(this, 'operators', operators);

    const described = platform.apps.length;
    const installed = operators.map(o => o.name);
    this.node.addValidation({
      validate: () => [
        ...(platform.apps.length === described ? [] : [
          `${platform.apps.length - described} app chart(s) were added after the GitOps chart; create GitOpsChart last so Argo CD deploys them`,
        ]),
        ...platform.operators.filter(o => !installed.includes(o.name)).map(o =>
          `operator "${o.name}" was required after the GitOps chart was created; create GitOpsChart last so Argo CD installs it`),
      ],
    });
  }
}
