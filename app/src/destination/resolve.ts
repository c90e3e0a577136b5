import { lookup } from 'node:dns/promises';
import { Resolver } from 'node:dns/promises';

// Where a name points now, asked of the resolver the operator configured (DESTINATION_RESOLVER):
// `system` is getaddrinfo, with /etc/hosts and the search domains (inside a cluster: CoreDNS,
// which answers Service names with their ClusterIPs); a list of servers is asked directly.

export type ResolverSetting = { kind: 'system' } | { kind: 'servers'; servers: string[] };

/** The resolver could not say (timeout, SERVFAIL, refused): the destination cannot be judged. */
export class ResolutionUnavailable extends Error {
  constructor(readonly host: string, reason: string) {
    super(`could not resolve ${host}: ${reason}`);
    this.name = 'ResolutionUnavailable';
  }
}

// no such name, or no record of the type: nothing to judge
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

export type AddressResolver = (host: string) => Promise<string[]>;

export function addressResolver(setting: ResolverSetting, timeoutMs: number): AddressResolver {
  if (setting.kind === 'system') {
    return async (host) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ResolutionUnavailable(host, `no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
        return found.map((entry) => entry.address);
      } catch (error) {
        if (ABSENT.has((error as NodeJS.ErrnoException).code ?? '')) return [];
        if (error instanceof ResolutionUnavailable) throw error;
        throw new ResolutionUnavailable(host, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
      } finally {
        clearTimeout(timer);
      }
    };
  }
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers(setting.servers);
  const ask = async (host: string, family: 'resolve4' | 'resolve6') => {
    try {
      return await resolver[family](host);
    } catch (error) {
      if (ABSENT.has((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw new ResolutionUnavailable(host, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
  };
  return async (host) => (await Promise.all([ask(host, 'resolve4'), ask(host, 'resolve6')])).flat();
}
