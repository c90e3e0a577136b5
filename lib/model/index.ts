export * from './cnpg';
export * from './kube';
export * from './model';
export * from './pods';
export * from './workloads';
export * from './object-index';
