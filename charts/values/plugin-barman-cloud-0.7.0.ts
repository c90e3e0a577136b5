/**
 * The values of chart plugin-barman-cloud 0.7.0 (vendor/charts/plugin-barman-cloud-0.7.0), generated from its values.schema.json by
 * `npm run charts:types` (json-schema-to-typescript); do not edit. Use: `new HelmChart<PluginBarmanCloud070Values>(...)`.
 */
/* eslint-disable */
export interface PluginBarmanCloud070Values {
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
  affinity?: {
    [k: string]: unknown;
  };
  certificate?: {
    /**
     * Specifies whether the client certificate should be created.
     */
    createClientCertificate?: boolean;
    /**
     * Specifies whether the server certificate should be created.
     */
    createServerCertificate?: boolean;
    /**
     * The duration of the certificates.
     */
    duration?: string;
    /**
     * The name of the issuer to use for the certificates.
     */
    issuerName?: string;
    /**
     * The renew before time for the certificates.
     */
    renewBefore?: string;
  };
  /**
   * Annotations to be added to all other resources.
   */
  commonAnnotations?: {
    [k: string]: unknown;
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
    registry?: string;
    repository?: string;
    /**
     * Overrides the image tag whose default is the chart appVersion.
     */
    tag?: string;
  };
  imagePullSecrets?: {
    [k: string]: unknown;
  }[];
  nameOverride?: string;
  namespaceOverride?: string;
  /**
   * Nodeselector for the operator to be installed.
   */
  nodeSelector?: {
    [k: string]: unknown;
  };
  /**
   * Annotations to be added to the pod.
   */
  podAnnotations?: {
    [k: string]: unknown;
  };
  /**
   * Labels to be added to the pod.
   */
  podLabels?: {
    [k: string]: unknown;
  };
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
     * Specifies whether Role and RoleBinding should be created.
     */
    create?: boolean;
  };
  replicaCount?: number;
  resources?: {
    [k: string]: unknown;
  };
  service?: {
    /**
     * Sets the families that should be supported and the order in which they should be applied to ClusterIP as well. Can be IPv4 and/or IPv6.
     */
    ipFamilies?: ("IPv4" | "IPv6")[];
    /**
     * Set the ip family policy to configure dual-stack see [Configure dual-stack](https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services)
     */
    ipFamilyPolicy?: string;
    /**
     * DO NOT CHANGE THE SERVICE NAME as it is currently used to generate the certificate
     * and can not be configured
     */
    name?: string;
    port?: number;
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
  sidecarImage?: {
    registry?: string;
    repository?: string;
    /**
     * Overrides the image tag whose default is the chart appVersion.
     */
    tag?: string;
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
  updateStrategy?: {
    [k: string]: unknown;
  };
}
