/**
 * The Go runtime's settings for the programs the tests run (the control plane, Argo CD): the
 * collector runs when the heap has grown by four times what was live after the last one, not by
 * once (Go's GOGC=100). On these short runs the memory is there and the CPU is not: `argocd.test.ts`
 * on its own took 171 to 180 s of CPU with 400 against 211 to 240 s with Go's default (docs/testing.md).
 */
export const GO_RUNTIME_ENV: Readonly<Record<string, string>> = { GOGC: '400' };
