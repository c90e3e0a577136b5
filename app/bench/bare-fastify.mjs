// The baseline the service's redirect is measured against, in the same run: bare Fastify
// answering a fixed 302 on the same route shape, one process, no logging, no plugins.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/:short_code', (_request, reply) => reply.redirect('https://example.com/articles/1?ref=bench', 302));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
