import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Ports for servers started as child processes (Argo CD's components, the tests' throwaway
// servers). listen(0) hands out a port from the kernel's ephemeral range, which every outgoing
// connection of the busy test run also draws from; between that choice and the child's bind (a
// second, for PostgreSQL) one may take it ("address already in use"). So: a random port below that
// range, checked free, and never handed out twice by this process (a port chosen but not yet bound
// is free to the kernel). test/cluster/cmd/harness picks its ports the same way. The service's
// tests use this module too (app/test/helpers), so it imports nothing but Node's own modules.

const issued = new Set<number>();

/** The first port of the kernel's ephemeral range (32768 by default). */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (first > 1024) return first;
  } catch {
    // not Linux: the default
  }
  return 32768;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free loopback TCP port, below the ephemeral range. */
export async function freePort(): Promise<number> {
  const high = ephemeralStart();
  const low = high - 20000 >= 1000 ? 20000 : 1024;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (issued.has(port)) continue;
    issued.add(port);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free loopback port between ${low} and ${high}`);
}
