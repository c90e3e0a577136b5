export * from './cnpg';
export * from './kube';
export * from './model';
export * from './workloads';
export * from './of-platform';
