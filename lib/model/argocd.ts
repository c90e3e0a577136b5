/*
 * Argo CD's Application and ApplicationSet as the tools read them: from argocd/ (the diff, the
 * cluster harness's model of what Argo CD creates) and back from the cluster (their status). The
 * specs are the generated typings of imports/ (type-only, nothing is bundled); the status, which
 * `cdk8s import` leaves out, is the part read here.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/
 */
import type { ApplicationSpec } from '../../imports/argocd-application-argoproj.io';
import type { ApplicationSetSpec } from '../../imports/argocd-applicationset-argoproj.io';
import type { Manifest } from './manifest';

type Metadata = Manifest['metadata'] & { readonly finalizers?: string[]; readonly deletionTimestamp?: string };

/** A condition Argo CD reports on an Application or ApplicationSet. */
export interface ArgoCondition {
  readonly type: string;
  readonly status?: string;
  readonly message?: string;
}

/** One resource of an Application, in its status or in a sync result. */
export interface ArgoResourceStatus {
  readonly group?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Sync status in `status.resources`; SyncFailed, Synced... in a sync result. */
  readonly status?: string;
  readonly health?: { readonly status?: string; readonly message?: string };
  readonly hookPhase?: string;
  readonly message?: string;
}

/** The status of an Application, as far as the harness reads it. */
export interface ArgoApplicationStatus {
  readonly sync?: { readonly status?: string; readonly revision?: string };
  readonly health?: { readonly status?: string; readonly message?: string };
  /** When Argo CD last compared the Application with git. */
  readonly reconciledAt?: string;
  readonly conditions?: ArgoCondition[];
  readonly operationState?: { readonly phase: string; readonly message?: string; readonly syncResult?: { readonly resources?: ArgoResourceStatus[] } };
  readonly resources?: ArgoResourceStatus[];
}

export interface ArgoApplication {
  readonly apiVersion: string;
  readonly kind: 'Application';
  readonly metadata: Metadata;
  readonly spec?: ApplicationSpec;
  readonly status?: ArgoApplicationStatus;
}

export interface ArgoApplicationSet {
  readonly apiVersion: string;
  readonly kind: 'ApplicationSet';
  readonly metadata: Metadata;
  readonly spec?: ApplicationSetSpec;
  readonly status?: { readonly conditions?: ArgoCondition[] };
}

/** A YAML document or API response read as an Application, when it is one. */
export function asApplication(value: unknown): ArgoApplication | undefined {
  return isArgoKind(value, 'Application') ? (value as ArgoApplication) : undefined;
}

/** A YAML document or API response read as an ApplicationSet, when it is one. */
export function asApplicationSet(value: unknown): ArgoApplicationSet | undefined {
  return isArgoKind(value, 'ApplicationSet') ? (value as ArgoApplicationSet) : undefined;
}

function isArgoKind(value: unknown, kind: string): boolean {
  if (!value || typeof value !== 'object') return false;
  const o = value as { kind?: unknown; metadata?: unknown };
  return o.kind === kind && typeof o.metadata === 'object' && o.metadata !== null;
}
