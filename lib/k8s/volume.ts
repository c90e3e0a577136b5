import { k8s } from 'cdk8s-plus-30';

/** A pod volume. Mounts refer to it; the pod spec lists each volume once. */
export class Volume {
  /** A PersistentVolumeClaim by name. */
  public static claim(name: string, claimName: string): Volume {
    return new Volume({ name, persistentVolumeClaim: { claimName } });
  }

  /** A StatefulSet's volumeClaimTemplate; the controller adds the volume, so the pod spec does not. */
  public static claimTemplate(name: string): Volume {
    return new Volume({ name }, true);
  }

  /** A ConfigMap's keys as files. */
  public static configMap(name: string, configMapName: string): Volume {
    return new Volume({ name, configMap: { name: configMapName } });
  }

  /** A Secret's keys as files. */
  public static secret(name: string, secretName: string): Volume {
    return new Volume({ name, secret: { secretName } });
  }

  /**
   * A folder of the node. Only for the few node agents whose chart's Pod Security level admits it
   * and whose workload is exempted with the reason.
   */
  public static hostPath(name: string, path: string, type: 'Directory' | 'DirectoryOrCreate' = 'Directory'): Volume {
    return new Volume({ name, hostPath: { path, type } });
  }

  /** Scratch space that lives as long as the pod; the way to keep the root filesystem read-only. */
  public static emptyDir(name: string, options: { sizeLimit?: string; memory?: boolean } = {}): Volume {
    return new Volume({
      name,
      emptyDir: {
        medium: options.memory ? 'Memory' : undefined,
        sizeLimit: options.sizeLimit ? k8s.Quantity.fromString(options.sizeLimit) : undefined,
      },
    });
  }

  private constructor(private readonly spec: k8s.Volume, public readonly fromClaimTemplate = false) {}

  public get name(): string {
    return this.spec.name;
  }

  /** The Secret this volume shows, if any. */
  public get secretName(): string | undefined {
    return this.spec.secret?.secretName;
  }

  public toKube(): k8s.Volume {
    return this.spec;
  }
}

/** Where a container sees a volume. */
export interface Mount {
  /** The volume to mount. */
  readonly volume: Volume;
  /** Absolute path in the container where it appears. */
  readonly path: string;
  /**
   * Whether the container may only read it.
   * @default false
   */
  readonly readOnly?: boolean;
  /** Mount one file or folder of the volume instead of its root. */
  readonly subPath?: string;
}
