import { k8s } from 'cdk8s-plus-30';

/** The identity a pod's processes run as. Numeric, so the kubelet can verify runAsNonRoot. */
export interface RunAs {
  /** @default 1000 */
  readonly user?: number;
  /** @default same as user */
  readonly group?: number;
  /** Group that owns mounted volumes. @default same as group */
  readonly fsGroup?: number;
}

export const DEFAULT_RUN_AS: Required<RunAs> = { user: 1000, group: 1000, fsGroup: 1000 };

/**
 * Pod-level settings of Pod Security Standards "restricted": non-root with a numeric UID and the
 * runtime's default seccomp profile.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function restrictedPodSecurityContext(runAs: RunAs = {}, supplementalGroups: number[] = []): k8s.PodSecurityContext {
  const user = runAs.user ?? DEFAULT_RUN_AS.user;
  const group = runAs.group ?? user;
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: group,
    fsGroup: runAs.fsGroup ?? group,
    // Groups owning host device files a device plugin passes in (a GPU's /dev/kfd); allowed by "restricted".
    supplementalGroups: supplementalGroups.length ? [...supplementalGroups] : undefined,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level settings of "restricted", plus a read-only root filesystem. */
export function restrictedContainerSecurityContext(readOnlyRootFilesystem = true): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem,
  };
}
