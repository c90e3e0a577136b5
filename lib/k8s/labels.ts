/** The label keys Kubernetes recommends; every object we render carries all of them. */
export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

export const STANDARD_LABEL_KEYS: readonly string[] = Object.values(LABEL);

/** The value of app.kubernetes.io/managed-by on everything this repository renders. */
export const MANAGED_BY = 'platform-cdk8s';

/** Identifies one workload (or other component) of an app. */
export interface ComponentIdentity {
  /** The component's own name, e.g. `web` or `postgres`. */
  readonly name: string;
  /** The app it belongs to, e.g. `blog`. */
  readonly app: string;
  /** Its role, e.g. `server`, `database`, `cache`, `proxy`. */
  readonly component: string;
}

/**
 * Labels that select a component's pods. Built only from names the author chose, so renaming a
 * TypeScript variable never changes an immutable selector in the cluster.
 */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return {
    [LABEL.name]: id.name,
    [LABEL.instance]: `${id.app}-${id.name}`,
  };
}

/** All standard labels of a component. */
export function standardLabels(id: ComponentIdentity): Record<string, string> {
  return {
    ...selectorLabels(id),
    [LABEL.component]: id.component,
    [LABEL.partOf]: id.app,
    [LABEL.managedBy]: MANAGED_BY,
  };
}
