// The workloads moved to the shared model of rendered objects (lib/model/).
export type { Workload } from '../model/workloads';
export { workloadsOf } from '../model/workloads';
