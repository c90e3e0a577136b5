import { OperatorRequirement } from './operator-requirement';
import { EXTERNAL_SECRETS_NAMESPACE } from '../platform/secret-store-settings';
import { NO_READINESS_ENDPOINT, resources } from './resources';

/**
 * The external-secrets operator, from its upstream chart with its CRDs (v2.9.0, the version of the
 * CRDs in imports/). Required by every ExternalSecret and by the ClusterSecretStore.
 * @see https://external-secrets.io/latest/introduction/getting-started/
 */
export const EXTERNAL_SECRETS: OperatorRequirement = {
  name: 'external-secrets',
  namespace: EXTERNAL_SECRETS_NAMESPACE,
  repoURL: 'https://charts.external-secrets.io',
  chart: 'external-secrets',
  version: '2.9.0',
  description: 'external-secrets v2.9.0',
  values: {
    installCRDs: true,
    // The platform uses ExternalSecrets, a ClusterSecretStore and SecretStores; the kinds it never
    // renders are neither installed nor watched.
    crds: { createClusterExternalSecret: false, createClusterGenerator: false, createClusterPushSecret: false, createPushSecret: false },
    processClusterExternalSecret: false,
    processClusterGenerator: false,
    processClusterPushSecret: false,
    processPushSecret: false,
    resources: resources('50m', '64Mi', '500m', '256Mi'),
    webhook: { resources: resources('10m', '32Mi', '250m', '128Mi') },
    certController: { resources: resources('10m', '32Mi', '250m', '128Mi') },
  },
  wire: operator => {
    operator.workload('external-secrets')
      .connectsToKubernetesApi('watches ExternalSecrets and writes the Secrets they describe')
      .connectsToInternet('reads the secrets from the store\'s API (1Password, Bitwarden, a cloud provider)');
    operator.workload('external-secrets-webhook').connectsToKubernetesApi('validates stores against the API server');
    operator.workload('external-secrets-cert-controller').connectsToKubernetesApi('writes the webhook\'s certificate and its CA into the webhook configurations and CRDs');
    operator.exempt('Deployment', 'external-secrets', ['readiness-probe'], NO_READINESS_ENDPOINT);
  },
};
