import { OperatorRequirement } from './operator-requirement';
import { NO_READINESS_ENDPOINT, resources } from './resources';

/**
 * cert-manager, from its upstream chart with its CRDs. Issues the Let's Encrypt certificates of the
 * public routes; required by the Barman Cloud plugin, whose chart issues the plugin's TLS
 * certificates through it.
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
    // Leader election in its own namespace, not kube-system, which the system project does not reach.
    global: { leaderElection: { namespace: 'cert-manager' } },
    // DNS-01 propagation checks ask the cluster's resolver, which the namespace may reach, rather
    // than each domain's authoritative servers on the internet's port 53.
    extraArgs: ['--dns01-recursive-nameservers-only'],
    resources: resources('10m', '64Mi', '500m', '256Mi'),
    cainjector: { resources: resources('10m', '64Mi', '500m', '256Mi') },
    webhook: { resources: resources('10m', '32Mi', '250m', '128Mi') },
    // A post-install Job that only tells Helm the webhook answers: Argo CD's health checks do.
    startupapicheck: { enabled: false },
  },
  wire: operator => {
    operator.workload('cert-manager')
      .connectsToKubernetesApi('watches Certificates and Issuers, writes the certificates\' Secrets')
      .connectsToInternet('orders certificates from Let\'s Encrypt (ACME) and sets DNS-01 records through the DNS provider\'s API');
    operator.workload('cert-manager-cainjector').connectsToKubernetesApi('writes the CA of webhooks into their configurations');
    operator.workload('cert-manager-webhook').connectsToKubernetesApi('keeps its serving certificate in a Secret');
    operator.exempt('Deployment', 'cert-manager', ['readiness-probe'], NO_READINESS_ENDPOINT);
    operator.exempt('Deployment', 'cert-manager-cainjector', ['readiness-probe'], NO_READINESS_ENDPOINT);
  },
};
