import type { Manifest } from '../model/manifest';

// What a diff of two trees of manifests found, app by app (object-diff.ts), and what the Argo CD
// plan (argocd-plan.ts) reads of it.

export interface ObjectChange {
  readonly key: string;
  readonly file: string;
  /** The object as it is after the change (added, changed, renamed), or was before (removed). */
  readonly manifest: Manifest;
  /** For changes and renames: the object as it was. */
  readonly before?: Manifest;
  /** Unified diff of the object's YAML (changes and renames). */
  readonly patch?: string;
  /** For a rename: the key it had before. */
  readonly from?: string;
}

export interface AppDiff {
  /** Folder of the app (`dist/apps/blog`), or the folder of loose files. */
  readonly app: string;
  readonly added: ObjectChange[];
  readonly removed: ObjectChange[];
  readonly changed: ObjectChange[];
  readonly renamed: ObjectChange[];
}
