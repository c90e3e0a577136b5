import closeWithGrace from 'close-with-grace';
import Fastify from 'fastify';
import app from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { ConnectionDrainer } from './drain.js';
import { serverOptions } from './server-options.js';

// The process shell: configuration, logger, listening and shutdown. Everything the
// service does lives in app.ts.

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }

  const server = Fastify(serverOptions(config, { asyncLog: true }));
  const drainer = new ConnectionDrainer(server.server);
  await server.register(app, { config });

  closeWithGrace({ delay: config.shutdownGraceMs, logger: server.log }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'shutting down after an uncaught error');
    else server.log.info({ signal }, 'shutting down');
    // Readiness fails first, so load balancers stop sending new requests; responses close
    // their connections; the listener closes once new connections stop; in-flight requests
    // finish; then buffered events are written and pools close.
    const started = Date.now();
    server.lifecycle.draining = true;
    drainer.closeInFlight();
    if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
    // keep a few seconds of the grace period for the events and the pools
    await drainer.drain({ quietMs: 200, quietWaitMs: 1000, idleMs: 1000, deadline: started + Math.max(config.shutdownGraceMs - 5000, config.shutdownGraceMs / 2) });
    server.log.info({ ms: Date.now() - started }, 'connections drained');
    await server.close();
    server.log.info({}, 'shutdown complete');
  });

  await server.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
