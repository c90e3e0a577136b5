/**
 * Pod template annotation listing the Secrets the pods read that the app's ExternalSecrets do not
 * create: pre-created by hand, or created by an operator (`platform.homelab/external-secrets: postgres-app`).
 * Reviewers see what must exist before a sync; the validator accepts those references.
 */
export const EXTERNAL_SECRETS_ANNOTATION = 'platform.homelab/external-secrets';
