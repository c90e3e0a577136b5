import * as path from 'node:path';
import { REPO_ROOT } from './paths';


/**
 * Folder of upstream CRD YAML (one CRD per file), like kubeconform's schema location.
 * @default ../shared/crds, beside the repository
 */
export function crdsDir(): string {
  return path.resolve(REPO_ROOT, process.env.PLATFORM_CRDS_DIR ?? '../shared/crds');
}

/**
 * Folder holding the Kubernetes JSON Schema definitions (k8s-v1.30.0-definitions.json).
 * @default ../shared/schemas, beside the repository
 */
export function schemasDir(): string {
  return path.resolve(REPO_ROOT, process.env.PLATFORM_SCHEMAS_DIR ?? '../shared/schemas');
}
