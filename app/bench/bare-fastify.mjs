// The baseline the service is measured against, in the same run: bare Fastify answering a fixed
// 302, one process, no logging, no plugins. The redirect route has the service's shape; every
// other path gets the same 302, so the mixed scenario can be offered to it at the same rate.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const redirect = (_request, reply) => reply.redirect('https://example.com/articles/1?ref=bench', 302);
app.get('/:short_code', redirect);
app.all('/*', redirect);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
