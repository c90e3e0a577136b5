/**
 * The values of chart cloudnative-pg 0.29.0 (vendor/charts/cloudnative-pg-0.29.0), generated from its values.schema.json by
 * `npm run charts:types` (json-schema-to-typescript); do not edit. Use: `new HelmChart<CloudnativePg0290Values>(...)`.
 */
/* eslint-disable */
export interface CloudnativePg0290Values {
  /**
   * Additional arguments to be added to the operator's args list.
   */
  additionalArgs?: {
    [k: string]: unknown;
  }[];
  /**
   * Array containing extra environment variables which can be templated.
   */
  additionalEnv?: {
    [k: string]: unknown;
  }[];
  /**
   * Affinity for the operator to be installed.
   */
  affinity?: {};
  /**
   * Annotations to be added to all other resources.
   */
  commonAnnotations?: {};
  /**
   * Operator configuration.
   */
  config?: {
    /**
     * This option determines if the operator is responsible for observing
     * events across the entire Kubernetes cluster or if its focus should be
     * narrowed down to the specific namespace within which it has been deployed.
     */
    clusterWide?: boolean;
    /**
     * Specifies whether the secret should be created.
     */
    create?: boolean;
    /**
     * The content of the configmap/secret, see
     * https://cloudnative-pg.io/documentation/current/operator_conf/#available-options
     * for all the available options.
     */
    data?: {};
    /**
     * The maximum number of concurrent reconciles. Defaults to 10.
     */
    maxConcurrentReconciles?: number;
    /**
     * The name of the configmap/secret to use.
     */
    name?: string;
    /**
     * Specifies whether it should be stored in a secret, instead of a configmap.
     */
    secret?: boolean;
  };
  /**
   * Container Security Context.
   */
  containerSecurityContext?: {
    allowPrivilegeEscalation?: boolean;
    capabilities?: {
      drop?: string[];
    };
    readOnlyRootFilesystem?: boolean;
    runAsGroup?: number;
    runAsUser?: number;
    seccompProfile?: {
      type?: string;
    };
  };
  crds?: {
    /**
     * Specifies whether the CRDs should be created when installing the chart.
     */
    create?: boolean;
  };
  dnsPolicy?: string;
  fullnameOverride?: string;
  /**
   * Global values are values that can be accessed from any chart or subchart by exactly the same name.
   */
  global?: {};
  hostNetwork?: boolean;
  image?: {
    pullPolicy?: string;
    repository?: string;
    /**
     * Overrides the image tag whose default is the chart appVersion.
     */
    tag?: string;
  };
  imagePullSecrets?: {
    [k: string]: unknown;
  }[];
  monitoring?: {
    grafanaDashboard?: {
      /**
       * Annotations that ConfigMaps can have to get configured in Grafana.
       */
      annotations?: {};
      /**
       * The name of the ConfigMap containing the dashboard.
       */
      configMapName?: string;
      create?: boolean;
      /**
       * Labels that ConfigMaps should have to get configured in Grafana.
       */
      labels?: {};
      /**
       * Allows overriding the namespace where the ConfigMap will be created, defaulting to the same one as the Release.
       */
      namespace?: string;
      /**
       * Label that ConfigMaps should have to be loaded as dashboards. DEPRECATED: Use labels instead.
       */
      sidecarLabel?: string;
      /**
       * Label value that ConfigMaps should have to be loaded as dashboards. DEPRECATED: Use labels instead.
       */
      sidecarLabelValue?: string;
    };
    /**
     * Additional labels for the podMonitor
     */
    podMonitorAdditionalLabels?: {};
    /**
     * Specifies whether the monitoring should be enabled. Requires Prometheus Operator CRDs.
     */
    podMonitorEnabled?: boolean;
    /**
     * Metrics relabel configurations to apply to samples before ingestion.
     */
    podMonitorMetricRelabelings?: {
      [k: string]: unknown;
    }[];
    /**
     * Relabel configurations to apply to samples before scraping.
     */
    podMonitorRelabelings?: {
      [k: string]: unknown;
    }[];
  };
  /**
   * Default monitoring queries
   */
  monitoringQueriesConfigMap?: {
    /**
     * The name of the default monitoring configmap.
     */
    name?: string;
    /**
     * A string representation of a YAML defining monitoring queries.
     */
    queries?: string;
  };
  nameOverride?: string;
  namespaceOverride?: string;
  /**
   * Nodeselector for the operator to be installed.
   */
  nodeSelector?: {};
  /**
   * Annotations to be added to the pod.
   */
  podAnnotations?: {};
  /**
   * Labels to be added to the pod.
   */
  podLabels?: {};
  /**
   * Security Context for the whole pod.
   */
  podSecurityContext?: {
    runAsNonRoot?: boolean;
    seccompProfile?: {
      type?: string;
    };
  };
  /**
   * Priority indicates the importance of a Pod relative to other Pods.
   */
  priorityClassName?: string;
  rbac?: {
    /**
     * Aggregate ClusterRoles to Kubernetes default user-facing roles.
     * Ref: https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
     */
    aggregateClusterRoles?: boolean;
    /**
     * Specifies whether ClusterRole and ClusterRoleBinding should be created.
     */
    create?: boolean;
  };
  replicaCount?: number;
  resources?: {};
  service?: {
    /**
     * Sets the families that should be supported and the order in which they should be applied to ClusterIP as well. Can be IPv4 and/or IPv6.
     */
    ipFamilies?: {
      [k: string]: unknown;
    }[];
    /**
     * Set the ip family policy to configure dual-stack see [Configure dual-stack](https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services)
     */
    ipFamilyPolicy?: string;
    /**
     * The name of the Webhook Service.
     */
    name?: string;
    port?: number;
    type?: string;
  };
  serviceAccount?: {
    /**
     * Specifies whether the service account should be created.
     */
    create?: boolean;
    /**
     * The name of the service account to use.
     * If not set and create is true, a name is generated using the fullname template.
     */
    name?: string;
  };
  /**
   * Tolerations for the operator to be installed.
   */
  tolerations?: {
    [k: string]: unknown;
  }[];
  /**
   * Topology Spread Constraints for the operator to be installed.
   */
  topologySpreadConstraints?: {
    [k: string]: unknown;
  }[];
  /**
   * Update strategy for the operator.
   * ref: https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
   */
  updateStrategy?: {};
  /**
   * The webhook configuration.
   */
  webhook?: {
    livenessProbe?: {
      initialDelaySeconds?: number;
    };
    mutating?: {
      create?: boolean;
      failurePolicy?: string;
    };
    port?: number;
    readinessProbe?: {
      initialDelaySeconds?: number;
    };
    startupProbe?: {
      failureThreshold?: number;
      periodSeconds?: number;
    };
    validating?: {
      create?: boolean;
      failurePolicy?: string;
    };
  };
}
