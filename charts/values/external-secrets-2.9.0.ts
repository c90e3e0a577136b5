/**
 * The values of chart external-secrets 2.9.0 (vendor/charts/external-secrets-2.9.0), generated from its values.schema.json by
 * `npm run charts:types` (json-schema-to-typescript); do not edit. Use: `new HelmChart<ExternalSecrets290Values>(...)`.
 */
/* eslint-disable */
export interface ExternalSecrets290Values {
  affinity?: {};
  "bitwarden-sdk-server"?: {
    enabled?: boolean;
    namespaceOverride?: string;
  };
  certController?: {
    affinity?: {};
    create?: boolean;
    deploymentAnnotations?: {};
    enablePartialCache?: boolean;
    extraArgs?: {};
    extraEnv?: unknown[];
    extraInitContainers?: unknown[];
    extraVolumeMounts?: unknown[];
    extraVolumes?: unknown[];
    hostAliases?: unknown[];
    hostNetwork?: boolean;
    hostUsers?: boolean | null;
    image?: {
      flavour?: string;
      pullPolicy?: string;
      repository?: string;
      tag?: string;
    };
    imagePullSecrets?: unknown[];
    livenessProbe?: {
      enabled?: boolean;
      failureThreshold?: number;
      initialDelaySeconds?: number;
      periodSeconds?: number;
      port?: string | number;
      successThreshold?: number;
      timeoutSeconds?: number;
    };
    log?: {
      level?: string;
      timeEncoding?: string;
    };
    metrics?: {
      listen?: {
        auth?: {
          enabled?: boolean;
        };
        port?: number;
        secure?: {
          certDir?: string;
          certFile?: string;
          enabled?: boolean;
          keyFile?: string;
        };
      };
      service?: {
        annotations?: {};
        enabled?: boolean;
        port?: number;
      };
    };
    networkPolicy?: {
      egress?: unknown[];
      enabled?: boolean;
      ingress?: {
        ports?: {
          port?: string | number;
          protocol?: string;
        }[];
      }[];
    };
    nodeSelector?: {};
    podAnnotations?: {};
    podDisruptionBudget?: {
      enabled?: boolean;
      minAvailable?: number | string;
      nameOverride?: string;
    };
    podLabels?: {};
    podSecurityContext?: {
      enabled?: boolean;
    };
    priorityClassName?: string;
    rbac?: {
      create?: boolean;
    };
    readinessProbe?: {
      address?: string;
      enabled?: boolean;
      failureThreshold?: number;
      initialDelaySeconds?: number;
      periodSeconds?: number;
      port?: string | number;
      successThreshold?: number;
      timeoutSeconds?: number;
    };
    replicaCount?: number;
    requeueInterval?: string;
    resources?: {};
    revisionHistoryLimit?: number;
    runtimeClassName?: string;
    schedulerName?: string;
    securityContext?: {
      allowPrivilegeEscalation?: boolean;
      capabilities?: {
        drop?: string[];
      };
      enabled?: boolean;
      readOnlyRootFilesystem?: boolean;
      runAsNonRoot?: boolean;
      runAsUser?: number;
      seccompProfile?: {
        type?: string;
      };
    };
    serviceAccount?: {
      annotations?: {};
      automount?: boolean;
      create?: boolean;
      extraLabels?: {};
      name?: string;
    };
    startupProbe?: {
      enabled?: boolean;
      failureThreshold?: number;
      initialDelaySeconds?: number;
      periodSeconds?: number;
    };
    strategy?: {};
    tolerations?: unknown[];
    topologySpreadConstraints?: unknown[];
  };
  commonLabels?: {};
  concurrent?: number;
  controllerClass?: string;
  crds?: {
    annotations?: {};
    conversion?: {
      enabled?: boolean;
    };
    createClusterExternalSecret?: boolean;
    createClusterGenerator?: boolean;
    createClusterPushSecret?: boolean;
    createClusterSecretStore?: boolean;
    createPushSecret?: boolean;
    createSecretStore?: boolean;
    unsafeServeV1Beta1?: boolean;
  };
  createOperator?: boolean;
  deploymentAnnotations?: {};
  dnsConfig?: {};
  dnsPolicy?: string;
  enableHTTP2?: boolean;
  extendedMetricLabels?: boolean;
  extraArgs?: {};
  extraContainers?: unknown[];
  extraEnv?: unknown[];
  extraInitContainers?: unknown[];
  extraObjects?: unknown[];
  extraVolumeMounts?: unknown[];
  extraVolumes?: unknown[];
  fullnameOverride?: string;
  genericTargets?: {
    enabled?: boolean;
    resources?: unknown[];
  };
  global?: {
    affinity?: {};
    compatibility?: {
      openshift?: {
        adaptSecurityContext?: string;
      };
    };
    hostAliases?: unknown[];
    imagePullSecrets?: unknown[];
    nodeSelector?: {};
    podAnnotations?: {};
    podLabels?: {};
    repository?: string;
    tolerations?: unknown[];
    topologySpreadConstraints?: unknown[];
  };
  grafanaDashboard?: {
    annotations?: {};
    enabled?: boolean;
    extraLabels?: {};
    sidecarLabel?: string;
    sidecarLabelValue?: string;
  };
  hostAliases?: unknown[];
  hostNetwork?: boolean;
  hostUsers?: boolean | null;
  image?: {
    flavour?: string;
    pullPolicy?: string;
    repository?: string;
    tag?: string;
  };
  imagePullSecrets?: unknown[];
  installCRDs?: boolean;
  leaderElect?: boolean;
  leaderElectionID?: string;
  leaderElectionLeaseDuration?: string;
  leaderElectionRenewDeadline?: string;
  leaderElectionRetryPeriod?: string;
  livenessProbe?: {
    enabled?: boolean;
    spec?: {
      address?: string;
      failureThreshold?: number;
      httpGet?: {
        path?: string;
        port?: string | number;
      };
      initialDelaySeconds?: number;
      periodSeconds?: number;
      port?: number;
      successThreshold?: number;
      timeoutSeconds?: number;
    };
  };
  log?: {
    level?: string;
    timeEncoding?: string;
  };
  metrics?: {
    listen?: {
      auth?: {
        enabled?: boolean;
      };
      port?: number;
      secure?: {
        certDir?: string;
        certFile?: string;
        enabled?: boolean;
        keyFile?: string;
      };
    };
    service?: {
      annotations?: {};
      enabled?: boolean;
      port?: number;
    };
  };
  nameOverride?: string;
  namespaceOverride?: string;
  networkPolicy?: {
    egress?: unknown[];
    enabled?: boolean;
    ingress?: {
      ports?: {
        port?: string | number;
        protocol?: string;
      }[];
    }[];
  };
  nodeSelector?: {};
  openshiftFinalizers?: boolean;
  podAnnotations?: {};
  podDisruptionBudget?: {
    enabled?: boolean;
    minAvailable?: number | string;
    nameOverride?: string;
  };
  podLabels?: {};
  podSecurityContext?: {
    enabled?: boolean;
  };
  podSpecExtra?: {};
  priorityClassName?: string;
  processClusterExternalSecret?: boolean;
  processClusterGenerator?: boolean;
  processClusterPushSecret?: boolean;
  processClusterStore?: boolean;
  processPushSecret?: boolean;
  processSecretStore?: boolean;
  rbac?: {
    aggregateToAdmin?: boolean;
    aggregateToEdit?: boolean;
    aggregateToView?: boolean;
    create?: boolean;
    serviceAccountTokenCreate?: boolean;
    servicebindings?: {
      create?: boolean;
    };
  };
  readinessProbe?: {
    enabled?: boolean;
    spec?: {
      failureThreshold?: number;
      httpGet?: {
        path?: string;
        port?: string | number;
      };
      initialDelaySeconds?: number;
      periodSeconds?: number;
      successThreshold?: number;
      timeoutSeconds?: number;
    };
  };
  replicaCount?: number;
  resources?: {};
  revisionHistoryLimit?: number;
  runtimeClassName?: string;
  schedulerName?: string;
  scopedNamespace?: string;
  scopedRBAC?: boolean;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    capabilities?: {
      drop?: string[];
    };
    enabled?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    seccompProfile?: {
      type?: string;
    };
  };
  service?: {
    ipFamilies?: unknown[];
    ipFamilyPolicy?: string;
  };
  serviceAccount?: {
    annotations?: {};
    automount?: boolean;
    create?: boolean;
    extraLabels?: {};
    name?: string;
  };
  serviceMonitor?: {
    additionalLabels?: {};
    enabled?: boolean;
    honorLabels?: boolean;
    interval?: string;
    metricRelabelings?: unknown[];
    namespace?: string;
    relabelings?: unknown[];
    renderMode?: "skipIfMissing" | "failIfMissing" | "alwaysRender";
    scrapeTimeout?: string;
  };
  storeRequeueInterval?: string;
  strategy?: {};
  systemAuthDelegator?: boolean;
  tolerations?: unknown[];
  topologySpreadConstraints?: unknown[];
  vault?: {
    enableTokenCache?: boolean;
    tokenCacheSize?: number;
  };
  webhook?: {
    affinity?: {};
    annotations?: {};
    certCheckInterval?: string;
    certDir?: string;
    certManager?: {
      addInjectorAnnotations?: boolean;
      cert?: {
        annotations?: {};
        create?: boolean;
        duration?: string;
        issuerRef?: {
          group?: string;
          kind?: string;
          name?: string;
        };
        privateKey?: {};
        renewBefore?: string;
        revisionHistoryLimit?: number;
        signatureAlgorithm?: string;
      };
      enabled?: boolean;
    };
    create?: boolean;
    deploymentAnnotations?: {};
    extraArgs?: {};
    extraEnv?: unknown[];
    extraInitContainers?: unknown[];
    extraVolumeMounts?: unknown[];
    extraVolumes?: unknown[];
    failurePolicy?: string;
    hostAliases?: unknown[];
    hostNetwork?: boolean;
    hostUsers?: boolean | null;
    image?: {
      flavour?: string;
      pullPolicy?: string;
      repository?: string;
      tag?: string;
    };
    imagePullSecrets?: unknown[];
    livenessProbe?: {
      enabled?: boolean;
      failureThreshold?: number;
      initialDelaySeconds?: number;
      periodSeconds?: number;
      port?: string | number;
      successThreshold?: number;
      timeoutSeconds?: number;
    };
    log?: {
      level?: string;
      timeEncoding?: string;
    };
    lookaheadInterval?: string;
    metrics?: {
      listen?: {
        auth?: {
          enabled?: boolean;
        };
        port?: number;
        secure?: {
          certDir?: string;
          certFile?: string;
          enabled?: boolean;
          keyFile?: string;
        };
      };
      service?: {
        annotations?: {};
        enabled?: boolean;
        port?: number;
      };
    };
    networkPolicy?: {
      egress?: unknown[];
      enabled?: boolean;
      ingress?: {
        ports?: {
          port?: string | number;
          protocol?: string;
        }[];
      }[];
    };
    nodeSelector?: {};
    podAnnotations?: {};
    podDisruptionBudget?: {
      enabled?: boolean;
      minAvailable?: number | string;
      nameOverride?: string;
    };
    podLabels?: {};
    podSecurityContext?: {
      enabled?: boolean;
    };
    port?: number;
    priorityClassName?: string;
    readinessProbe?: {
      address?: string;
      enabled?: boolean;
      failureThreshold?: number;
      initialDelaySeconds?: number;
      periodSeconds?: number;
      port?: string | number;
      successThreshold?: number;
      timeoutSeconds?: number;
    };
    replicaCount?: number;
    resources?: {};
    revisionHistoryLimit?: number;
    runtimeClassName?: string;
    schedulerName?: string;
    secretAnnotations?: {};
    securityContext?: {
      allowPrivilegeEscalation?: boolean;
      capabilities?: {
        drop?: string[];
      };
      enabled?: boolean;
      readOnlyRootFilesystem?: boolean;
      runAsNonRoot?: boolean;
      runAsUser?: number;
      seccompProfile?: {
        type?: string;
      };
    };
    service?: {
      annotations?: {};
      enabled?: boolean;
      labels?: {};
      loadBalancerIP?: string;
      type?: string;
    };
    serviceAccount?: {
      annotations?: {};
      automount?: boolean;
      create?: boolean;
      extraLabels?: {};
      name?: string;
    };
    startupProbe?: {
      enabled?: boolean;
      failureThreshold?: number;
      initialDelaySeconds?: number;
      periodSeconds?: number;
    };
    strategy?: {};
    tolerations?: unknown[];
    topologySpreadConstraints?: unknown[];
  };
}
