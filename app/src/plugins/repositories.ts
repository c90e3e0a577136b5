import fp from 'fastify-plugin';
import { EventsRepository } from '../repositories/events.js';
import { UrlsRepository } from '../repositories/urls.js';
import { UsersRepository } from '../repositories/users.js';

declare module 'fastify' {
  interface FastifyInstance {
    repos: { users: UsersRepository; urls: UrlsRepository; events: EventsRepository };
  }
}

export default fp(
  async (app) => {
    app.decorate('repos', {
      users: new UsersRepository(app.pg, app.pgList),
      urls: new UrlsRepository(app.pg, app.pgList),
      events: new EventsRepository(app.pg, app.pgList),
    });
  },
  { name: 'repositories', dependencies: ['db'] },
);
