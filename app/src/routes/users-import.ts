import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { cacheLists } from '../cache/keys.js';
import { assertAdmin } from '../lib/access.js';
import { invalid } from '../lib/http-errors.js';
import { CsvImportError, readCsv } from '../import/csv.js';
import { importUsers, inTransaction } from '../import/importers.js';
import { USER_COLUMNS, toUserRow } from '../import/rows.js';
import { bulkResponses } from '../schemas/users.js';

export const CSV_UPLOAD_LIMIT = 10 * 1024 * 1024;

const routes: FastifyPluginAsync = async (app) => {
  // Here only, not on the whole app: the plugin adds three async hooks and a listener to every
  // request it sees, which put each cached redirect's answer behind a microtask.
  await app.register(multipart, { limits: { fileSize: CSV_UPLOAD_LIMIT, files: 1, fields: 10, parts: 11 } });
  app.post('/users/bulk', { schema: { response: bulkResponses } }, async (request, reply) => {
    assertAdmin(request, 'import users');
    if (!request.isMultipart()) throw invalid('files', 'file', 'Expected multipart/form-data with a users.csv in the field "file".');
    let file: Buffer | undefined;
    try {
      for await (const part of request.parts()) {
        // read every part so the request is consumed; only `file` matters
        if (part.type === 'file') {
          const content = await part.toBuffer();
          if (part.fieldname === 'file' && file === undefined) file = content;
        }
      }
    } catch (error) {
      // size limits stay 413; anything else the parser rejects is the client's malformed body
      if ((error as { statusCode?: number }).statusCode === 413) throw error;
      throw invalid('files', 'file', `Malformed multipart/form-data body: ${(error as Error).message}`);
    }
    if (file === undefined) throw invalid('files', 'file', 'Missing data for required field.');

    let rows;
    try {
      rows = await readCsv(Readable.from([file]), USER_COLUMNS, toUserRow);
    } catch (error) {
      if (error instanceof CsvImportError) throw invalid('files', 'file', error.message);
      throw error;
    }
    const client = await app.pg.connect();
    let result;
    try {
      result = await inTransaction(client, () => importUsers(client, rows));
      client.release();
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    await app.cache.invalidate({ lists: [cacheLists.users] });
    return reply.code(201).send({ imported: result.imported, skipped: result.skipped });
  });
};

export default routes;
