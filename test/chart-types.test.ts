import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_TYPES_DIR, allChartValuesTypes } from '../lib/upstream/chart-types';
import { REPO_ROOT, tempDir } from './support/platform';

/** The type errors of `source`, a file importing the generated values' types. */
function typeErrors(dir: string, source: string): string[] {
  const file = path.join(dir, 'values-check.ts');
  fs.writeFileSync(file, source);
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS });
  return ts.getPreEmitDiagnostics(program).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the types of chart values', () => {
  const dir = tempDir('chart-types-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are what `npm run charts:types` generates from the cached charts\' values.schema.json, and nothing else', async () => {
    const expected = await allChartValuesTypes();
    expect([...expected.keys()]).toContain(`${CHART_TYPES_DIR}/app-template-4.1.1.ts`);
    const onDisk = fs.readdirSync(path.join(REPO_ROOT, CHART_TYPES_DIR)).map(f => `${CHART_TYPES_DIR}/${f}`).sort();
    expect(onDisk).toEqual([...expected.keys()].sort());
    for (const [file, source] of expected) expect(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), `${file} is stale: run npm run charts:types`).toBe(source);
  }, 120_000);

  it("make a wrong value fail the type check: replicas: 'two' in app-template's values", () => {
    const types = path.join(REPO_ROOT, CHART_TYPES_DIR, 'app-template-4.1.1');
    const values = (replicas: string) => `import type { AppTemplate411Values } from '${types}';\nexport const values: AppTemplate411Values = { controllers: { main: { replicas: ${replicas}, containers: { main: { image: { repository: 'ghcr.io/example/app', tag: '1.0.0' } } } } } };\n`;
    expect(typeErrors(dir, values('2'))).toEqual([]);
    expect(typeErrors(dir, values("'two'")).join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/);
  }, 120_000);
});
