import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

// A DNS server on a loopback port answering from a fixed table, for the destination rules that
// resolve names: no test may ask a real resolver. Names not in the table are NXDOMAIN; names in
// `silent` get no answer at all (a resolver that times out).

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as DESTINATION_RESOLVER takes it. */
  address: string;
  /** Every name asked, in order. */
  asked: string[];
  close(): Promise<void>;
}

export interface DnsTable {
  [name: string]: { A?: string[]; AAAA?: string[] };
}

const NXDOMAIN = 3;

export async function startDnsServer(table: DnsTable, silent: string[] = []): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const asked: string[] = [];
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    asked.push(name);
    if (silent.includes(name)) return;
    const entry = table[name];
    const type = question.type as 'A' | 'AAAA';
    const answers = (entry?.[type] ?? []).map((data) => ({ type, name: question.name, ttl: 60, class: 'IN' as const, data }));
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (entry ? 0 : NXDOMAIN),
      questions: [question],
      answers,
    });
    socket.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    asked,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
