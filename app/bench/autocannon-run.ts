import autocannon from 'autocannon';

// One autocannon run, its latencies taken from every response (autocannon's own summary keeps
// only those of 2xx answers, which would leave out every redirect), closed-loop or, with
// `overallRate`, at a fixed offered rate.

export interface ScenarioResult {
  name: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  /** responses outside 2xx and 3xx */
  non2xx3xx: number;
  statusCodes: Record<string, number>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runAutocannon(
  baseUrl: string,
  name: string,
  requests: autocannon.Request[],
  options: { connections: number; durationSeconds: number; overallRate?: number },
): Promise<ScenarioResult> {
  let latencies = new Float64Array(1 << 18);
  let count = 0;
  const statusCodes: Record<string, number> = {};
  let instance!: autocannon.Instance;
  const { connections, durationSeconds, overallRate } = options;
  const finished = new Promise<autocannon.Result>((done, fail) => {
    instance = autocannon({ url: baseUrl, connections, duration: durationSeconds, timeout: 10, requests, ...(overallRate ? { overallRate } : {}) }, (error, result) =>
      error ? fail(error) : done(result),
    );
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
  });
  const result = await finished;
  const sorted = latencies.subarray(0, count).sort();
  const round = (value: number) => Math.round(value * 100) / 100;
  const non2xx3xx = Object.entries(statusCodes)
    .filter(([code]) => !code.startsWith('2') && !code.startsWith('3'))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    name,
    connections,
    durationSeconds,
    requests: count,
    requestsPerSecond: Math.round(count / durationSeconds),
    latencyMs: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted[count - 1] ?? 0) },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx3xx,
    statusCodes,
  };
}
