import { Overrides, withDefaults } from '../config';

/** A Secret someone creates in the cluster by hand before the first sync; never written to git. */
export interface PreCreatedSecret {
  readonly namespace: string;
  readonly name: string;
  readonly keys: string[];
  /** What reads it, for the README. */
  readonly usedBy: string;
}

/** The ClusterSecretStore every ExternalSecret of the platform reads from. */
export interface SecretStoreSettings {
  /** Name of the ClusterSecretStore. @default 'homelab' */
  readonly name: string;
  /**
   * The external-secrets provider, as the ClusterSecretStore schema spells it; replaced whole by an override.
   * @default - the 1Password SDK provider (seed 003 keeps its secrets in 1Password), vault `homelab`,
   * authenticated with a service account token from a pre-created Secret
   * @see https://external-secrets.io/latest/provider/1password-sdk/
   */
  readonly provider: Record<string, unknown>;
  /**
   * The pre-created Secrets the provider authenticates with, for the README; replaced whole by an override.
   * @default - `external-secrets/onepassword-service-account`, key `token`
   */
  readonly credentials: PreCreatedSecret[];
  /**
   * How often each ExternalSecret re-reads the store.
   * @default '1h'
   */
  readonly refreshInterval: string;
}

/** Namespace the external-secrets operator runs in. */
export const EXTERNAL_SECRETS_NAMESPACE = 'external-secrets';

const ONEPASSWORD_TOKEN: PreCreatedSecret = {
  namespace: EXTERNAL_SECRETS_NAMESPACE,
  name: 'onepassword-service-account',
  keys: ['token'],
  usedBy: 'the ClusterSecretStore (a 1Password service account token)',
};

export const SECRET_STORE_DEFAULTS: SecretStoreSettings = {
  name: 'homelab',
  provider: {
    onepasswordSDK: {
      vault: 'homelab',
      auth: { serviceAccountSecretRef: { namespace: ONEPASSWORD_TOKEN.namespace, name: ONEPASSWORD_TOKEN.name, key: 'token' } },
    },
  },
  credentials: [ONEPASSWORD_TOKEN],
  refreshInterval: '1h',
};

export function secretStoreSettings(overrides: Overrides<SecretStoreSettings> = {}): SecretStoreSettings {
  return withDefaults(SECRET_STORE_DEFAULTS, overrides);
}
