import { k8s } from 'cdk8s-plus-30';

/** The value of an environment variable: literal, or read from a Secret, ConfigMap or the pod. */
export class EnvValue {
  public static fromSecret(secretName: string, key: string): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key } } });
  }

  public static fromConfigMap(configMapName: string, key: string): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key } } });
  }

  /** A field of the pod itself, e.g. `metadata.name` or `status.podIP`. */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(private readonly source: Omit<k8s.EnvVar, 'name'>) {}

  /** The Secret this value is read from, if any. */
  public get secretName(): string | undefined {
    return this.source.valueFrom?.secretKeyRef?.name;
  }

  public toKube(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}

/** Environment variables in the order given (a value may refer to an earlier one as $(NAME)). */
export type EnvMap = Readonly<Record<string, string | EnvValue>>;

export function toKubeEnv(env: EnvMap | undefined): k8s.EnvVar[] | undefined {
  const entries = Object.entries(env ?? {});
  if (entries.length === 0) return undefined;
  return entries.map(([name, value]) => (typeof value === 'string' ? { name, value } : value.toKube(name)));
}
