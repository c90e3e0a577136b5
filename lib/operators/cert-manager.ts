import { OperatorRequirement } from '../platform/operator';

/**
 * cert-manager, from its upstream chart with its CRDs. Required by the Barman Cloud plugin, whose
 * chart issues the plugin's TLS certificates through it.
 * @see https://cert-manager.io/docs/installation/helm/
 */
export const CERT_MANAGER: OperatorRequirement = {
  name: 'cert-manager',
  namespace: 'cert-manager',
  repoURL: 'https://charts.jetstack.io',
  chart: 'cert-manager',
  version: 'v1.21.1',
  description: 'cert-manager v1.21.1',
  values: {
    crds: { enabled: true },
    // Leader election in its own namespace, not kube-system, which the operators project does not reach.
    global: { leaderElection: { namespace: 'cert-manager' } },
  },
  syncWave: -3,
};
