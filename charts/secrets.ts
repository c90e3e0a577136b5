import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { ClusterSecretStore } from '../lib/secrets/cluster-secret-store';

/** The ClusterSecretStore the apps' ExternalSecrets read from (the `secretStore` platform setting). */
export class SecretsChart extends AppChart {
  public readonly store: ClusterSecretStore;

  constructor(platform: Platform, id = 'secrets') {
    super(platform, id, { category: 'security' });
    this.store = new ClusterSecretStore(this, 'store');
  }
}
