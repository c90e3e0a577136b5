/**
 * The Pod Security Standards level a namespace enforces. "restricted" is the default; anything
 * lower must carry the reason, which is rendered next to the label for reviewers.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class PodSecurity {
  public static readonly RESTRICTED = new PodSecurity('restricted');

  /** Allows host namespaces, hostPath volumes and privileged containers; say why (the app chart refuses an empty reason). */
  public static privileged(reason: string): PodSecurity {
    return new PodSecurity('privileged', reason.trim());
  }

  /** Allows what "restricted" forbids short of host access (e.g. running as root); say why (the app chart refuses an empty reason). */
  public static baseline(reason: string): PodSecurity {
    return new PodSecurity('baseline', reason.trim());
  }

  private constructor(public readonly level: 'restricted' | 'baseline' | 'privileged', public readonly reason?: string) {}

  /** The namespace labels that make the API server enforce, audit and warn at this level. */
  public get namespaceLabels(): Record<string, string> {
    return {
      'pod-security.kubernetes.io/enforce': this.level,
      'pod-security.kubernetes.io/audit': this.level,
      'pod-security.kubernetes.io/warn': this.level,
    };
  }
}
