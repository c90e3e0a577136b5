/**
 * Pod template annotation listing the Secrets the pods read that are created outside git (by
 * hand, an ExternalSecret or an operator): `platform.homelab/external-secrets: blog-postgres,blog-django`.
 * Reviewers see what must exist before a sync; the validator accepts those references.
 */
export const EXTERNAL_SECRETS_ANNOTATION = 'platform.homelab/external-secrets';
