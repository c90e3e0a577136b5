import { Server as NetServer, type Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

// Graceful drain of keep-alive connections, so that no request that reached the process is
// reset. Node's http.Server.close() destroys every connection that is idle at that instant,
// which resets a request the client has just sent on it. Instead:
//  1. while draining, every response says `Connection: close` (the lifecycle plugin marks new
//     requests, closeInFlight those in flight), so clients move off each connection right
//     after their next response;
//  2. the listener stops accepting once no new connection arrived for `quietMs` (the load
//     balancer has taken the pod out), waiting at most `quietWaitMs` for that (connections
//     still queued in the kernel then are reset: that is what readiness and the delay avoid);
//  3. connections without a request in flight are closed only after `idleMs` without one
//     (no response in progress, no byte read), and the others when their response is sent.

interface Idle {
  /** when the socket was last seen busy (a response in progress, or bytes read since the last look) */
  since: number;
  bytesRead: number;
}

// Node's own marker of a response in progress on a socket (set by assignSocket, cleared by
// detachSocket): reading it at drain time costs the requests nothing, where a listener per
// request cost every redirect its share.
const busy = (socket: Socket) => (socket as Socket & { _httpMessage?: unknown })._httpMessage != null;

export class ConnectionDrainer {
  private readonly sockets = new Set<Socket>();
  private lastAccepted = Date.now();

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.lastAccepted = Date.now();
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get open(): number {
    return this.sockets.size;
  }

  /**
   * Responses in progress now, whose headers are not sent yet, say `Connection: close` (requests
   * that arrive from now on are marked by the lifecycle plugin). Node merges a header set on the
   * response with those Fastify passes to writeHead, and closes the connection after it.
   */
  closeInFlight(): void {
    for (const socket of this.sockets) {
      const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (response && !response.headersSent) response.setHeader('connection', 'close');
    }
  }

  /** Resolves when every connection is closed, or at `deadline` (then the rest are destroyed). */
  async drain({ quietMs, quietWaitMs, idleMs, deadline }: { quietMs: number; quietWaitMs: number; idleMs: number; deadline: number }): Promise<void> {
    const step = 20;
    const stopWaiting = Math.min(deadline, Date.now() + quietWaitMs);
    while (Date.now() - this.lastAccepted < quietMs && Date.now() < stopWaiting) await sleep(step);
    // net.Server's close stops accepting; http.Server's would also destroy idle connections
    if (this.server.listening) NetServer.prototype.close.call(this.server);
    const idle = new Map<Socket, Idle>();
    while (this.sockets.size > 0 && Date.now() < deadline) {
      const now = Date.now();
      for (const socket of this.sockets) {
        const seen = idle.get(socket);
        if (!seen || busy(socket) || socket.bytesRead !== seen.bytesRead) {
          idle.set(socket, { since: now, bytesRead: socket.bytesRead });
        } else if (now - seen.since >= idleMs) {
          socket.end();
        }
      }
      await sleep(step);
    }
    for (const socket of this.sockets) socket.destroy();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
