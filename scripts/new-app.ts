/**
 * `npm run new-app -- <name> [--category apps] [--postgres] [--valkey] [--public <host>]`: writes
 * charts/<name>.ts from a template and creates it in buildPlatform() (charts/platform.ts). The
 * command line is checked before anything is written; exit 2 names the flag at fault.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../lib/paths';
import { UsageError, parseNewAppArgs, pascalCase } from '../lib/scaffold/options';
import { registerApp } from '../lib/scaffold/register';
import { appChartSource } from '../lib/scaffold/template';

function main(argv: string[]): number {
  try {
    const options = parseNewAppArgs(argv);
    const chartFile = path.join(REPO_ROOT, 'charts', `${options.name}.ts`);
    const platformFile = path.join(REPO_ROOT, 'charts', 'platform.ts');
    if (fs.existsSync(chartFile)) throw new UsageError(`<name>: charts/${options.name}.ts already exists; choose another name`);
    const className = `${pascalCase(options.name)}Chart`;
    // Both files are computed before either is written, so a failure leaves the repository as it was.
    const registered = registerApp(fs.readFileSync(platformFile, 'utf8'), options.name, className);
    fs.writeFileSync(chartFile, appChartSource(options));
    fs.writeFileSync(platformFile, registered);
    console.log([
      `Wrote charts/${options.name}.ts (${className}) and added it to buildPlatform() in charts/platform.ts.`,
      `Next: set its image in ${path.relative(REPO_ROOT, chartFile)}, then \`npm run synth\` writes dist/${options.category}/${options.name}/.`,
      ...(options.postgres ? [`The secret store must hold item ${options.name}-${options.name}-postgres with field password; add it to the README's table of store items.`] : []),
    ].join('\n'));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.message.startsWith('charts/platform.ts:'))) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
