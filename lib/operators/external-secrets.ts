import { OperatorRequirement } from '../platform/operator';
import { EXTERNAL_SECRETS_NAMESPACE } from '../secrets/secret-store';

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
    // The CRDs come with the chart; the operators project is the only one allowed them.
    installCRDs: true,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  },
  syncWave: -3,
};
