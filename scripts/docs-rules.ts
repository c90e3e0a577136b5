/** Writes docs/rules.md from the rule registry (lib/rules/rules.ts); a test fails when it is stale. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rulesReference } from '../lib/docs/rules-reference';
import { REPO_ROOT } from '../lib/paths';

const file = path.join(REPO_ROOT, 'docs/rules.md');
fs.writeFileSync(file, rulesReference());
console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
