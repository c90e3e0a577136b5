/**
 * `npm run docs:reference`: writes docs/reference/constructs.md, every construct's props with their
 * types, defaults and docs, read from lib/ by TypeDoc. test/docs.test.ts fails while it is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REFERENCE_FILE, constructReference } from '../lib/docs/construct-reference';
import { REPO_ROOT } from '../lib/paths';

constructReference().then(markdown => {
  const file = path.join(REPO_ROOT, REFERENCE_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, markdown);
  console.log(`Wrote ${REFERENCE_FILE}`);
}, error => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
