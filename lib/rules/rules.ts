/** An error fails synthesis and `npm run validate`; a warning is printed. */
export type Severity = 'error' | 'warning';

/** Where a rule runs. */
export type RuleStage =
  /** On each object, wherever it comes from: in synthesis and in `npm run validate` on any folder. */
  | 'object'
  /** Across the whole platform, in synthesis only: it reads the constructs, not just the YAML. */
  | 'platform';

export interface Rule {
  readonly severity: Severity;
  readonly stage: RuleStage;
  /** What the rule guards against, in one line. */
  readonly summary: string;
  /** What to change when it fires. */
  readonly remediation: string;
  /** A short example of what it catches. */
  readonly example: string;
}

const object = (severity: Severity, summary: string, remediation: string, example: string): Rule => ({ severity, stage: 'object', summary, remediation, example });
const platform = (severity: Severity, summary: string, remediation: string, example: string): Rule => ({ severity, stage: 'platform', summary, remediation, example });
const error = (summary: string, remediation: string, example: string) => object('error', summary, remediation, example);

/**
 * Every rule the platform applies after rendering, by id: the validator's (stage `object`) and the
 * platform checks of synthesis (stage `platform`). Findings name their rule; `exempt()` takes these
 * ids; docs/rules.md is generated from this table (`npm run docs:rules`).
 */
export const RULES = {
  // Parsing and schema
  'yaml-syntax': error('the file is valid YAML with no duplicate keys', 'fix the YAML at the line given; remove the duplicate key', 'metadata:\n  name: a\n  name: b'),
  'schema': error('the object matches the Kubernetes (schemas/kubernetes) or CRD schema of its kind, with no unknown fields', 'correct the field the finding names: its spelling, type or place', 'spec:\n  replicaz: 2'),
  'unknown-kind': error('the kind is known to the Kubernetes schema or to a CRD', 'vendor the CRD of the kind (schemas/crds/, `npm run import`) or correct apiVersion and kind', 'apiVersion: example.com/v1\nkind: Widget'),
  'crd-validation': error("custom resources pass their CRD's CEL rules (x-kubernetes-validations) as the API server evaluates them on create, with no duplicate in set and map lists", 'change the fields the CEL rule names so that its expression holds', 'kind: Cluster  # CloudNativePG\nspec:\n  instances: 0'),
  'schema-unchecked': object('warning', 'without a CRD folder, custom resources cannot be checked: said, never skipped silently', 'run the validator with the CRD schemas (the repository\'s schemas/crds/, or --crds <folder>)', 'npm run validate -- some-folder  # without schemas/crds'),
  // What the API server would refuse
  'dns-name': error('names and namespaces are DNS-1123 labels or subdomains (RBAC names: path segments)', 'use lowercase letters, digits, "-" and "." only, at most 253 characters (63 for labels)', 'metadata:\n  name: Web_Config'),
  'label-syntax': error('label keys and values are valid (values at most 63 characters)', 'shorten the value to 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric', 'labels:\n  app.kubernetes.io/part-of: xxxx…(64 characters)'),
  'port-name': error('port names are IANA service names of at most 15 characters', 'name the port with at most 15 lowercase letters, digits and dashes, with a letter', 'ports:\n- name: much-too-long-name'),
  'container-image': error('every container names an image', 'set the container\'s image, pinned in lib/images.ts', 'containers:\n- name: web  # no image'),
  'duplicate-object': error('no two objects share kind, namespace and name', 'rename one of the two objects', 'two ConfigMaps demo/settings'),
  // The API server's built-in validation beyond the schema (checks/parity/): parity with a real control plane
  'api.hpa-replicas': error('HorizontalPodAutoscalers have minReplicas >= 1 and maxReplicas >= minReplicas', 'set minReplicas to 1 or more and maxReplicas to at least minReplicas', 'minReplicas: 3\nmaxReplicas: 2'),
  'api.hpa-metrics': error('HorizontalPodAutoscaler metrics set the source their type names, utilization >= 1, behavior policies and windows in range', 'give each metric the source its type names and a target in range', 'metrics:\n- type: Resource  # no resource:'),
  'api.claims': error('PersistentVolumeClaims and claim templates set an access mode and a storage request', 'set accessModes and resources.requests.storage', 'spec:\n  resources: {}  # no storage request'),
  'api.rollout-strategy': error('rolling updates do not set both maxSurge and maxUnavailable to 0, nor negative or above 100%, nor rollingUpdate with Recreate or OnDelete', 'let one of maxSurge and maxUnavailable be above 0, or drop rollingUpdate for Recreate', 'rollingUpdate:\n  maxSurge: 0\n  maxUnavailable: 0'),
  'quota-rollout': error("a namespace's ResourceQuota covers its pods at their maximum plus each rollout's surge pods", 'raise the quota (the app\'s quota props) or lower replicas, surge or requests', 'hard:\n  requests.cpu: 200m  # pods ask for 300m'),
  'host-port-rollout': error('Deployments whose pods hold a host port do not surge', 'use the Recreate strategy or maxSurge: 0 for pods on the host network or with a hostPort', 'hostNetwork: true\nstrategy: {type: RollingUpdate}'),
  'api.pdb-budget': error('PodDisruptionBudgets set one of minAvailable and maxUnavailable, within 0..100%', 'set exactly one of minAvailable and maxUnavailable', 'spec:\n  minAvailable: 1\n  maxUnavailable: 1'),
  'api.service-ports': error('Service ports, targetPorts and nodePorts are in range; ports are named when several, with unique names and port/protocol pairs', 'name every port of a Service with several, each name and port/protocol once', 'ports:\n- port: 80\n- port: 443  # unnamed'),
  'api.container-names': error('container names are DNS labels, unique in a pod', 'give each container of the pod its own lowercase name', 'containers:\n- name: web\n- name: web'),
  'api.container-ports': error('container ports are in range and their names unique in a pod', 'use ports 1..65535, each name once per pod', 'ports:\n- containerPort: 70000'),
  'api.env-names': error('environment variable names and envFrom prefixes are printable ASCII without "="; valueFrom names one source, without a value', 'rename the variable; give valueFrom one source and no value', 'env:\n- name: A=B'),
  'api.volume-mounts': error('volume names are unique DNS labels; mounts name a volume of the pod, at distinct paths', 'mount volumes the pod declares, each path once', 'volumeMounts:\n- name: missing\n  mountPath: /data'),
  'api.resource-limits': error('resource requests are at most their limits', 'raise the limit or lower the request', 'requests: {memory: 1Gi}\nlimits: {memory: 512Mi}'),
  'api.probes': error('probes have one handler on a valid port and timings >= 1; liveness and startup probes have successThreshold 1', 'give the probe one handler and timings of 1 or more', 'livenessProbe:\n  successThreshold: 2'),
  'api.cron-schedule': error('CronJob schedules have 5 fields or a @descriptor, no TZ=; timeZone is an IANA zone', 'write five cron fields and set spec.timeZone instead of TZ=', 'schedule: "TZ=UTC 0 3 * * *"'),
  'api.job-counts': error('Job and CronJob counts, limits and deadlines are non-negative (deadlines positive)', 'use counts of 0 or more and deadlines of 1 or more', 'backoffLimit: -1'),
  'api.label-selector': error('label selectors have valid keys and values, operators with the values they need; controllers select something', 'give In/NotIn values and Exists/DoesNotExist none; select at least one label', 'matchExpressions:\n- {key: tier, operator: In}'),
  'api.ingress-paths': error('Ingress hosts are DNS names, paths absolute and clean for their pathType; backends name one service or resource, one port', 'start paths with "/", use a DNS host and one backend', 'path: api  # not absolute'),
  'api.workload-counts': error('replicas, minReadySeconds and revisionHistoryLimit are non-negative; progressDeadlineSeconds exceeds minReadySeconds', 'use counts of 0 or more and a progress deadline above minReadySeconds', 'replicas: -1'),
  'api.restart-policy': error('pods of Deployments, StatefulSets and DaemonSets restart Always; of Jobs and CronJobs OnFailure or Never', 'use Always for long-running workloads, OnFailure or Never for Jobs', 'kind: Deployment\n…restartPolicy: Never'),
  'api.quantity': error('resource quantities (containers, claims, quotas, limit ranges) parse as non-negative Kubernetes quantities', 'write quantities such as 250m, 1.5, 512Mi, 10Gi', 'requests: {memory: 1 GB}'),
  'api.annotations': error('annotation keys are qualified names, all annotations at most 256 KiB', 'use prefix/name keys of valid characters; move large data to a ConfigMap', 'annotations:\n  "bad key": x'),
  'api.configmap': error('ConfigMap keys are valid and unique across data and binaryData, the whole at most 1 MiB', 'use keys of [-._a-zA-Z0-9], each once; split data over 1 MiB', 'data:\n  "a/b": x'),
  'api.networkpolicy-ports': error('NetworkPolicy ports are in range or IANA names; endPort follows a lower numeric port', 'give endPort only with a numeric port below it', 'ports:\n- {port: http, endPort: 90}'),
  'api.cidr': error("CIDRs and IP addresses (NetworkPolicy ipBlocks, a Service's loadBalancerSourceRanges and externalIPs) are valid and canonical; an ipBlock's except lies strictly inside its cidr", 'write the network address with its prefix length (10.0.0.0/8, not 10.0.0.1/8), and keep except inside the cidr', 'ipBlock:\n  cidr: 10.0.0.1/8'),
  // References
  'selector-match': error("a workload's selector matches its pod template labels", 'make the selector a subset of the pod template\'s labels', 'selector: {app.kubernetes.io/name: other}'),
  'service-selects': error('a Service selects pods, and its targetPort exists on them', 'select pods of a workload in the namespace, by a port they expose', 'targetPort: grpc  # no such container port'),
  'backend-exists': error('Ingress and HTTPRoute backends are Services with that port', 'route to an existing Service and one of its ports', 'backend:\n  service: {name: missing, port: {name: http}}'),
  'reference-exists': error('ConfigMaps, Secrets, PVCs and ServiceAccounts used by pods exist or are declared external', 'create the object in the app, or declare it with the external-secret or existing-claim props', 'volumes:\n- configMap: {name: missing}'),
  'target-exists': error('PodDisruptionBudgets and HorizontalPodAutoscalers target existing workloads', 'point scaleTargetRef or the selector at a workload of the namespace', 'scaleTargetRef: {kind: Deployment, name: missing}'),
  'probe-port': error('probes use ports the container exposes', 'probe a port the container declares', 'livenessProbe:\n  httpGet: {port: metrics}  # not a container port'),
  'statefulset-service': error("a StatefulSet's serviceName is a headless Service", 'name a Service with clusterIP: None in serviceName', 'serviceName: web  # has a cluster IP'),
  'networkpolicy-selects': error('each NetworkPolicy selects some pods', 'select pods by labels a workload of the namespace carries', 'podSelector: {matchLabels: {app.kubernetes.io/name: nothing}}'),
  // Pod Security "restricted"
  'pod-security.privileged': error('no privileged containers', 'remove privileged: true', 'securityContext: {privileged: true}'),
  'pod-security.host-namespaces': error('no host network, PID or IPC namespace', 'drop hostNetwork, hostPID and hostIPC, or exempt() the object with the reason and give its app a PodSecurity level', 'hostPID: true'),
  'pod-security.host-ports': error('no host ports', 'drop hostPort; reach the pod through a Service', 'ports:\n- {containerPort: 8080, hostPort: 8080}'),
  'pod-security.host-path': error('no hostPath volumes', 'use a PersistentVolumeClaim, or exempt() the object with the reason', 'volumes:\n- hostPath: {path: /var/log}'),
  'pod-security.volume-types': error('only the volume types "restricted" allows', 'use configMap, secret, emptyDir, projected, downwardAPI, ephemeral or persistentVolumeClaim', 'volumes:\n- nfs: {server: nas, path: /share}'),
  'pod-security.privilege-escalation': error('allowPrivilegeEscalation is set to false', 'set allowPrivilegeEscalation: false on every container', 'securityContext: {allowPrivilegeEscalation: true}'),
  'pod-security.run-as-non-root': error('runAsNonRoot is true and no container runs as UID 0', 'set runAsNonRoot: true and a non-zero runAsUser', 'securityContext: {runAsUser: 0}'),
  'pod-security.seccomp': error('the seccomp profile is RuntimeDefault or Localhost', 'set seccompProfile.type: RuntimeDefault', 'seccompProfile: {type: Unconfined}'),
  'pod-security.capabilities': error('capabilities drop ALL and add nothing but NET_BIND_SERVICE', 'drop ALL; add at most NET_BIND_SERVICE', 'capabilities: {add: [SYS_ADMIN]}'),
  'pod-security.proc-mount': error('procMount is Default', 'remove procMount', 'securityContext: {procMount: Unmasked}'),
  'pod-security.selinux': error('SELinux options set only an allowed type', 'remove seLinuxOptions, or use container_t, container_init_t or container_kvm_t', 'seLinuxOptions: {type: spc_t}'),
  'pod-security.apparmor': error('AppArmor is not Unconfined', 'remove the AppArmor profile or use RuntimeDefault', 'appArmorProfile: {type: Unconfined}'),
  'pod-security.sysctls': error('only the safe sysctls', 'remove the sysctl, or set it on the node', 'sysctls:\n- {name: kernel.msgmax, value: "65536"}'),
  // Reliability and hygiene
  'readiness-probe': error('long-running containers have a readiness probe that differs from the liveness probe', 'add a readiness probe that checks what serving needs (dependencies), the liveness probe only that the process answers', 'readinessProbe: &p {httpGet: {path: /health}}\nlivenessProbe: *p'),
  'resources': error('containers request CPU and memory and limit memory', 'set resources.requests.cpu, requests.memory and limits.memory (the construct\'s resources prop)', 'resources:\n  requests: {cpu: 100m, memory: 128Mi}  # no memory limit'),
  'disruption-budget': error('replicated workloads have a PodDisruptionBudget allowing at least one disruption', 'keep minAvailable below replicas (the platform\'s default is maxUnavailable: 1)', 'replicas: 2\nminAvailable: 2'),
  'spread': error('replicated workloads spread across nodes (topology spread or anti-affinity)', 'add topologySpreadConstraints on kubernetes.io/hostname (the constructs do by default)', 'replicas: 2  # no topologySpreadConstraints'),
  'autoscaler': error('HorizontalPodAutoscalers have min >= 2, min != max, and a target without replicas', 'set minReplicas of 2 or more below maxReplicas, and leave replicas unset on the target', 'minReplicas: 2\nmaxReplicas: 2'),
  'image-tag': error('images are pinned to a version tag or digest, never latest', 'pin the image in lib/images.ts to a version (Renovate keeps it current)', 'image: registry.example.com/web:latest'),
  'namespace': error('namespaced objects live in a namespace other than default', 'put the object in its app\'s namespace', 'metadata: {namespace: default}'),
  'standard-labels': error('objects carry the app.kubernetes.io labels', 'set app.kubernetes.io/name, instance and component (constructs do; plain YAML and charts must)', 'labels: {app.kubernetes.io/name: web}  # no instance, component'),
  'server-fields': error('no status or server-set metadata', 'remove status, resourceVersion, uid, creationTimestamp and the like', 'metadata: {resourceVersion: "42"}'),
  'job-hygiene': error('Jobs set ttlSecondsAfterFinished; CronJobs set deadlines', 'set ttlSecondsAfterFinished, startingDeadlineSeconds and activeDeadlineSeconds', 'kind: Job  # no ttlSecondsAfterFinished'),
  'secret-data': error('no Secret carries data in git', 'create the Secret outside git: an ExternalSecret, or a Secret made in the cluster (the secrets props)', 'kind: Secret\nstringData: {password: hunter2}'),
  'unknown-exemption': error('exemption annotations name a rule of this table', 'correct the rule id in the platform.homelab/exempt.<rule> annotation (see docs/rules.md)', 'platform.homelab/exempt.readyness-probe: "…"'),
  // Across the platform, in synthesis
  'construct-name': platform('error', 'objects are named after their app, never after the construct path', 'set metadata.name (the construct\'s name prop)', 'new ConfigMap(this, \'anonymous\')  # no metadata.name'),
  'construct-labels': platform('error', 'no object carries a cdk8s.io/ label or annotation, so that selectors and names never depend on construct paths', 'select by the app.kubernetes.io labels; do not copy cdk8s metadata', "metadata: {labels: {cdk8s.io/metadata.addr: …}}"),
  'chart-kind': platform('error', 'every object belongs to an AppChart or the GitOps chart, which give it a folder', 'create the object inside an app chart (AppChart, SystemChart)', 'new ConfigMap(new Chart(app, \'loose\'), \'x\')'),
  'one-file-per-object': platform('error', 'no two objects are written to one file', 'give one of the two objects another name', 'two constructs rendering ConfigMap demo/settings'),
  'exempt-in-restricted': platform('error', 'objects exempt from Pod Security rules live in a namespace whose level allows them', 'give the app a PodSecurity level below restricted, with the reason', 'exempt(ds, \'pod-security.host-path\', …) in a restricted app'),
  'connection-declared': platform('error', "a setting that names another app's Service is matched by a declared connection, so the NetworkPolicies let it through", 'declare it with connectsTo(construct) or connectsToEndpoint(appEndpoint(app, workload, port))', 'env: {DB_HOST: postgres.wiki}  # no connectsTo'),
  'config-source': platform('error', 'every Secret and ConfigMap a pod reads (and every key) has a source: an object of the app, an ExternalSecret or a declared external secret', 'create it in the app, or declare where it comes from (the secrets props)', "env valueFrom secretKeyRef {name: smtp, key: password}  # nothing makes 'smtp'"),
  'gpu-capacity': platform('error', 'every GPU pods ask for exists on the declared nodes and has its device plugin', 'ask with allocateGpu(), and declare the GPU nodes in PLATFORM_SETTINGS.capacity.gpus', 'resources: {limits: {nvidia.com/gpu: 1}}  # no GPU nodes declared'),
  'connection-allowed': platform('error', 'every declared connection is allowed by the derived NetworkPolicies, with a workload at each end', 'connect constructs that run pods; correct a hand-written NetworkPolicy that blocks it', 'connectsTo(x) where x selects no pods'),
  'capacity': platform('error', "the pods' requests, at their maximum counts with each rollout's surge, fit the declared nodes", 'raise PLATFORM_SETTINGS.capacity, or lower the requests or replicas of the top consumers the finding lists', 'CPU requests 30270m exceed the capacity of 16000m'),
  'unused-data': platform('warning', 'every database and cache has a client', 'declare its clients with connectsTo(database), or remove it', 'new Postgres(this, \'postgres\')  # nothing connects to it'),
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export function isRuleId(id: string): id is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, id);
}
