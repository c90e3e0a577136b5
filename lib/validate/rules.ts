import type { Severity } from './finding';

export interface Rule {
  readonly severity: Severity;
  /** What the rule guards against. */
  readonly summary: string;
}

/** Every rule the validator applies, by id. */
export const RULES = {
  // Parsing and schema
  'yaml-syntax': { severity: 'error', summary: 'the file is valid YAML with no duplicate keys' },
  'schema': { severity: 'error', summary: 'the object matches the Kubernetes (schemas/kubernetes) or CRD schema of its kind, with no unknown fields' },
  'unknown-kind': { severity: 'error', summary: 'the kind is known to the Kubernetes schema or to a CRD' },
  'crd-validation': { severity: 'error', summary: "custom resources pass their CRD's CEL rules (x-kubernetes-validations) as the API server evaluates them on create, with no duplicate in set and map lists" },
  'schema-unchecked': { severity: 'warning', summary: 'without a CRD folder, custom resources cannot be checked: said, never skipped silently' },
  // What the API server would refuse
  'dns-name': { severity: 'error', summary: 'names and namespaces are DNS-1123 labels or subdomains (RBAC names: path segments)' },
  'label-syntax': { severity: 'error', summary: 'label keys and values are valid (values at most 63 characters)' },
  'port-name': { severity: 'error', summary: 'port names are IANA service names of at most 15 characters' },
  'container-image': { severity: 'error', summary: 'every container names an image' },
  'duplicate-object': { severity: 'error', summary: 'no two objects share kind, namespace and name' },
  // The API server's built-in validation beyond the schema (checks/parity/): parity with a real control plane
  'api.hpa-replicas': { severity: 'error', summary: 'HorizontalPodAutoscalers have minReplicas >= 1 and maxReplicas >= minReplicas' },
  'api.hpa-metrics': { severity: 'error', summary: 'HorizontalPodAutoscaler metrics set the source their type names, utilization >= 1, behavior policies and windows in range' },
  'api.claims': { severity: 'error', summary: 'PersistentVolumeClaims and claim templates set an access mode and a storage request' },
  'api.rollout-strategy': { severity: 'error', summary: 'rolling updates do not set both maxSurge and maxUnavailable to 0, nor negative or above 100%, nor rollingUpdate with Recreate or OnDelete' },
  'quota-rollout': { severity: 'error', summary: "a namespace's ResourceQuota covers its pods at their maximum plus each rollout's surge pods" },
  'host-port-rollout': { severity: 'error', summary: 'Deployments whose pods hold a host port do not surge' },
  'api.pdb-budget': { severity: 'error', summary: 'PodDisruptionBudgets set one of minAvailable and maxUnavailable, within 0..100%' },
  'api.service-ports': { severity: 'error', summary: 'Service ports, targetPorts and nodePorts are in range; ports are named when several, with unique names and port/protocol pairs' },
  'api.container-names': { severity: 'error', summary: 'container names are DNS labels, unique in a pod' },
  'api.container-ports': { severity: 'error', summary: 'container ports are in range and their names unique in a pod' },
  'api.env-names': { severity: 'error', summary: 'environment variable names and envFrom prefixes are printable ASCII without "="; valueFrom names one source, without a value' },
  'api.volume-mounts': { severity: 'error', summary: 'volume names are unique DNS labels; mounts name a volume of the pod, at distinct paths' },
  'api.resource-limits': { severity: 'error', summary: 'resource requests are at most their limits' },
  'api.probes': { severity: 'error', summary: 'probes have one handler on a valid port and timings >= 1; liveness and startup probes have successThreshold 1' },
  'api.cron-schedule': { severity: 'error', summary: 'CronJob schedules have 5 fields or a @descriptor, no TZ=; timeZone is an IANA zone' },
  'api.job-counts': { severity: 'error', summary: 'Job and CronJob counts, limits and deadlines are non-negative (deadlines positive)' },
  'api.label-selector': { severity: 'error', summary: 'label selectors have valid keys and values, operators with the values they need; controllers select something' },
  'api.ingress-paths': { severity: 'error', summary: 'Ingress hosts are DNS names, paths absolute and clean for their pathType; backends name one service or resource, one port' },
  'api.workload-counts': { severity: 'error', summary: 'replicas, minReadySeconds and revisionHistoryLimit are non-negative; progressDeadlineSeconds exceeds minReadySeconds' },
  'api.restart-policy': { severity: 'error', summary: 'pods of Deployments, StatefulSets and DaemonSets restart Always; of Jobs and CronJobs OnFailure or Never' },
  'api.quantity': { severity: 'error', summary: 'resource quantities (containers, claims, quotas, limit ranges) parse as non-negative Kubernetes quantities' },
  'api.annotations': { severity: 'error', summary: 'annotation keys are qualified names, all annotations at most 256 KiB' },
  'api.configmap': { severity: 'error', summary: 'ConfigMap keys are valid and unique across data and binaryData, the whole at most 1 MiB' },
  'api.networkpolicy-ports': { severity: 'error', summary: 'NetworkPolicy ports are in range or IANA names; endPort follows a lower numeric port' },
  'api.cidr': { severity: 'error', summary: "CIDRs and IP addresses (NetworkPolicy ipBlocks, a Service's loadBalancerSourceRanges and externalIPs) are valid and canonical; an ipBlock's except lies strictly inside its cidr" },
  // References
  'selector-match': { severity: 'error', summary: "a workload's selector matches its pod template labels" },
  'service-selects': { severity: 'error', summary: 'a Service selects pods, and its targetPort exists on them' },
  'backend-exists': { severity: 'error', summary: 'Ingress and HTTPRoute backends are Services with that port' },
  'reference-exists': { severity: 'error', summary: 'ConfigMaps, Secrets, PVCs and ServiceAccounts used by pods exist or are declared external' },
  'target-exists': { severity: 'error', summary: 'PodDisruptionBudgets and HorizontalPodAutoscalers target existing workloads' },
  'probe-port': { severity: 'error', summary: 'probes use ports the container exposes' },
  'statefulset-service': { severity: 'error', summary: "a StatefulSet's serviceName is a headless Service" },
  'networkpolicy-selects': { severity: 'error', summary: 'each NetworkPolicy selects some pods' },
  // Pod Security "restricted"
  'pod-security.privileged': { severity: 'error', summary: 'no privileged containers' },
  'pod-security.host-namespaces': { severity: 'error', summary: 'no host network, PID or IPC namespace' },
  'pod-security.host-ports': { severity: 'error', summary: 'no host ports' },
  'pod-security.host-path': { severity: 'error', summary: 'no hostPath volumes' },
  'pod-security.volume-types': { severity: 'error', summary: 'only the volume types "restricted" allows' },
  'pod-security.privilege-escalation': { severity: 'error', summary: 'allowPrivilegeEscalation is set to false' },
  'pod-security.run-as-non-root': { severity: 'error', summary: 'runAsNonRoot is true and no container runs as UID 0' },
  'pod-security.seccomp': { severity: 'error', summary: 'the seccomp profile is RuntimeDefault or Localhost' },
  'pod-security.capabilities': { severity: 'error', summary: 'capabilities drop ALL and add nothing but NET_BIND_SERVICE' },
  'pod-security.proc-mount': { severity: 'error', summary: 'procMount is Default' },
  'pod-security.selinux': { severity: 'error', summary: 'SELinux options set only an allowed type' },
  'pod-security.apparmor': { severity: 'error', summary: 'AppArmor is not Unconfined' },
  'pod-security.sysctls': { severity: 'error', summary: 'only the safe sysctls' },
  // Reliability and hygiene
  'readiness-probe': { severity: 'error', summary: 'long-running containers have a readiness probe that differs from the liveness probe' },
  'resources': { severity: 'error', summary: 'containers request CPU and memory and limit memory' },
  'disruption-budget': { severity: 'error', summary: 'replicated workloads have a PodDisruptionBudget allowing at least one disruption' },
  'spread': { severity: 'error', summary: 'replicated workloads spread across nodes (topology spread or anti-affinity)' },
  'autoscaler': { severity: 'error', summary: 'HorizontalPodAutoscalers have min >= 2, min != max, and a target without replicas' },
  'image-tag': { severity: 'error', summary: 'images are pinned to a version tag or digest, never latest' },
  'namespace': { severity: 'error', summary: 'namespaced objects live in a namespace other than default' },
  'standard-labels': { severity: 'error', summary: 'objects carry the app.kubernetes.io labels' },
  'server-fields': { severity: 'error', summary: 'no status or server-set metadata' },
  'job-hygiene': { severity: 'error', summary: 'Jobs set ttlSecondsAfterFinished; CronJobs set deadlines' },
  'secret-data': { severity: 'error', summary: 'no Secret carries data in git' },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;
