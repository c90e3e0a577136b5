import { Construct } from 'constructs';
import { ClusterSecretStore as ClusterSecretStoreObject, ClusterSecretStoreProps } from '../../imports/external-secrets-clustersecretstore-external-secrets.io';
import { standardLabels } from '../k8s/labels';
import { EXTERNAL_SECRETS } from '../operators/external-secrets';
import { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';
import { preCreatedSecret } from './external-secret';
import { requireOperator } from '../operators/require-operator';

/** The provider is a setting in the schema's own spelling: rendered as given, not through the typed mapping. */
class StoreWithProvider extends ClusterSecretStoreObject {
  constructor(scope: Construct, id: string, props: ClusterSecretStoreProps, private readonly provider: Record<string, unknown>) {
    super(scope, id, props);
  }

  public override toJson(): { spec: Record<string, unknown> } {
    const json = super.toJson() as { spec: Record<string, unknown> };
    json.spec.provider = this.provider;
    return json;
  }
}

/**
 * The ClusterSecretStore every ExternalSecret of the platform reads from, with the provider of the
 * platform's `secretStore` setting; its own credentials are pre-created Secrets the README lists.
 */
export class ClusterSecretStore extends Construct {
  public readonly store: ClusterSecretStoreObject;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const platform = Platform.of(this);
    const settings = platform.secretStore;
    requireOperator(this, EXTERNAL_SECRETS);
    this.store = new StoreWithProvider(this, 'ClusterSecretStore', {
      metadata: { name: settings.name, labels: standardLabels({ name: settings.name, app: AppChart.of(this).appName, component: 'secret-store' }) },
      spec: { provider: {} },
    }, settings.provider);
    for (const secret of settings.credentials) preCreatedSecret(this, secret);
  }
}
