/**
 * What `npm run cluster:check` cannot check, said after every run: its nodes are kwok's fake
 * kubelets, which mark every pod Running and Ready without pulling an image or starting a process,
 * so "rolled out" means accepted, scheduled and counted, not working.
 */
export const NOT_CHECKED: readonly string[] = [
  'Not checked here: the nodes are simulated (kwok), so no image was pulled, no container started and no probe answered;',
  '"rolled out" means the API server, scheduler and controllers accepted and placed the pods, not that the app works.',
  'What checks those: a real cluster (npm run bootstrap -- --context <kube-context>, then kubectl -n <namespace> rollout status deployment/<name>),',
  'or for one image, docker run --rm -p <port>:<port> <image> and curl http://localhost:<port><health path>.',
];

/** The closing line of a run on the test control plane, worded for what it proved. */
export function closingLine(applied: number, refused: number, warned: number, pending: number, seconds: number): string {
  return `${applied} objects applied: ${refused} refused, ${warned} warning(s); ${pending === 0 ? 'every workload' : `all but ${pending} workload(s)`} rolled out on simulated nodes (${seconds.toFixed(1)} s)`;
}
