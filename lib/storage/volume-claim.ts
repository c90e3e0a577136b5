import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { KEEP_ON_PRUNE_AND_DELETE } from '../k8s/protection';
import { ComponentIdentity, standardLabels } from '../k8s/labels';
import { assertDnsLabel } from '../k8s/names';
import { quantity } from '../k8s/quantity';
import { Volume } from '../k8s/volume';

export interface VolumeClaimProps {
  /** Name of the PersistentVolumeClaim. @default the construct id */
  readonly name?: string;
  /** Requested capacity, a Kubernetes quantity such as `2Gi`. */
  readonly size: string;
  /**
   * StorageClass that provisions the volume.
   * @default - the cluster's default class (local-path on K3s)
   */
  readonly storageClassName?: string;
  /**
   * How pods may mount it.
   * @default ['ReadWriteOnce'], all that local-path supports; pods sharing it must share a node
   */
  readonly accessModes?: ('ReadWriteOnce' | 'ReadWriteMany' | 'ReadWriteOncePod')[];
  /** The component the data belongs to, for its labels. */
  readonly owner: ComponentIdentity;
}

/**
 * A PersistentVolumeClaim that Argo CD never prunes or deletes: losing it loses data, so it goes
 * only when someone removes it by hand.
 */
export class VolumeClaim extends Construct {
  public readonly name: string;
  public readonly claim: k8s.KubePersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: VolumeClaimProps) {
    super(scope, id);
    this.name = assertDnsLabel(this, 'name', props.name ?? id);
    quantity(this, 'size', props.size);
    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: this.name, labels: standardLabels(props.owner), annotations: KEEP_ON_PRUNE_AND_DELETE },
      spec: {
        accessModes: props.accessModes ?? ['ReadWriteOnce'],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(props.size) } },
      },
    });
  }

  /** This claim as a pod volume named `volumeName`. */
  public volume(volumeName = this.name): Volume {
    return Volume.claim(volumeName, this.name);
  }
}
