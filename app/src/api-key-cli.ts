import pg from 'pg';
import { ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { ApiKeysRepository } from './repositories/api-keys.js';

// `npm run app:api-key -- <user id> [--admin] [--name <label>]`: issues an API key for a user
// and prints it (once). The first admin's key comes from here: over the API, only an admin
// may create users. `--admin` also makes the user an admin.

const USAGE = 'usage: npm run app:api-key -- <user id> [--admin] [--name <label>]';

async function main(argv: string[]): Promise<void> {
  let userId: number | undefined;
  let admin = false;
  let name = 'cli';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--admin') admin = true;
    else if (arg === '--name' && argv[i + 1] !== undefined) name = argv[++i]!.slice(0, 80);
    else if (/^[0-9]{1,10}$/.test(arg) && userId === undefined) userId = Number(arg);
    else throw new Error(`unexpected argument ${JSON.stringify(arg)}; ${USAGE}`);
  }
  if (userId === undefined) throw new Error(`the user id is missing; ${USAGE}`);
  const config = loadConfig();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 1 });
  try {
    await migrate(pool);
    const keys = new ApiKeysRepository(pool);
    if (admin && !(await keys.setAdmin(userId, true))) throw new Error(`user ${userId} does not exist`);
    const created = await keys.create(userId, name);
    if (!created) throw new Error(`user ${userId} does not exist`);
    process.stdout.write(`${created.key}\n`);
    process.stderr.write(`API key ${created.id} (${created.prefix}...) for user ${userId}${admin ? ', an admin' : ''}; it is shown only now.\n`);
  } finally {
    await pool.end();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `api-key: ${(error as Error).message}`}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
