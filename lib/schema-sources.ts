import * as path from 'node:path';
import { REPO_ROOT } from './paths';

// The repository carries its schemas (schemas/SOURCES.md says where each came from), so a fresh
// clone validates strictly with nothing beside it and no network.

/**
 * Folder of upstream CRD YAML (one CRD per file, any depth), like kubeconform's schema location.
 * @default schemas/crds in the repository; PLATFORM_CRDS_DIR overrides it
 */
export function crdsDir(): string {
  return path.resolve(REPO_ROOT, process.env.PLATFORM_CRDS_DIR ?? 'schemas/crds');
}

/**
 * Folder holding the Kubernetes JSON Schema definitions (k8s-v<version>-definitions.json).
 * @default schemas/kubernetes in the repository; PLATFORM_SCHEMAS_DIR overrides it
 */
export function schemasDir(): string {
  return path.resolve(REPO_ROOT, process.env.PLATFORM_SCHEMAS_DIR ?? 'schemas/kubernetes');
}
