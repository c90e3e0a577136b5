/**
 * Argo CD's settings, generated: the data the platform gives the ConfigMaps of its install
 * manifests (argocd-cm, argocd-rbac-cm, argocd-cmd-params-cm).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/argocd-cm-yaml/
 */

/**
 * The health of an Application, for the root Application's sync waves: Argo CD has no built-in
 * check for it (removed in 1.8), so without this the root application would not wait for Argo CD
 * and each operator to be healthy before it creates the ApplicationSets, whose apps need their
 * CRDs and webhooks.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app
 */
export const APPLICATION_HEALTH = `-- An Application is as healthy as Argo CD found its resources.
local hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then hs.message = obj.status.health.message end
end
return hs
`;

/**
 * The health of a CloudNativePG Cluster. Argo CD's built-in check fails with a Lua error on a
 * Cluster the operator has not reported on yet (no status): Progressing, with why, instead.
 */
export const CNPG_CLUSTER_HEALTH = `-- Healthy once the CloudNativePG operator reports the cluster healthy. (Argo CD's Lua has no string library.)
local progressing = {
  ["Setting up primary"] = true, ["Creating a new replica"] = true, ["Upgrading cluster"] = true,
  ["Waiting for the instances to become active"] = true, ["Promoting to primary cluster"] = true,
}
local hs = { status = "Progressing", message = "waiting for the CloudNativePG operator to report on the cluster" }
if obj.status == nil or obj.status.phase == nil then return hs end
local phase = obj.status.phase
hs.message = phase
if obj.status.phaseReason ~= nil and obj.status.phaseReason ~= "" then hs.message = phase .. ": " .. obj.status.phaseReason end
if phase == "Cluster in healthy state" then
  hs.status = "Healthy"
elseif progressing[phase] then
  hs.status = "Progressing"
else
  hs.status = "Degraded"
end
return hs
`;

export interface ArgoCdSettings {
  /** The UI's address, for links in the UI and notifications: `https://<hostname>`. */
  readonly url?: string;
  /** The RBAC role every logged-in user without another gets. */
  readonly defaultRole: string;
}

/** Health checks the platform adds to Argo CD's, by `<group>_<kind>` (what argocd-cm keys them by). */
export const HEALTH_CHECKS: Readonly<Record<string, string>> = {
  'argoproj.io_Application': APPLICATION_HEALTH,
  'postgresql.cnpg.io_Cluster': CNPG_CLUSTER_HEALTH,
};

/** argocd-cm: the UI's address and the health checks above; upstream's exclusions stay. */
export function argocdConfigData(settings: ArgoCdSettings): Record<string, string> {
  return {
    ...(settings.url ? { url: settings.url } : {}),
    ...Object.fromEntries(Object.entries(HEALTH_CHECKS).map(([kind, lua]) => [`resource.customizations.health.${kind}`, lua])),
  };
}

/** argocd-rbac-cm: the role of a logged-in user; the built-in admin stays admin. */
export function argocdRbacData(settings: ArgoCdSettings): Record<string, string> {
  return { 'policy.default': settings.defaultRole };
}

/**
 * argocd-cmd-params-cm: the components' flags.
 * - The API server diffs: every Application applies server-side, and a field the API server
 *   defaults (a CRD's conversion strategy, a Service's IP families) would otherwise read as drift
 *   that no sync removes.
 * - Each resource's health is kept in its Application's status, where `kubectl get application`
 *   and the tests read it.
 * - TLS ends at the ingress controller, which talks plain HTTP to the server inside the cluster.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/diff-strategies/#server-side-diff
 */
export function argocdCommandParameters(): Record<string, string> {
  return {
    'controller.diff.server.side': 'true',
    'controller.resource.health.persist': 'true',
    'server.insecure': 'true',
  };
}
