/**
 * `npm run new-app -- <name> --image <ref> --port <n> --health-path </path> [--category apps]
 * [--postgres] [--valkey] [--public <host>]`: writes charts/<name>.ts from a template, pins its
 * image in lib/images.ts and creates the chart in buildPlatform() (charts/platform.ts). On a
 * terminal it asks for the image, port and health path it was not given; elsewhere it leaves
 * each as a fillIn(...) call that fails synthesis naming its file and line. The command line is
 * checked before anything is written; exit 2 names the flag at fault.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { REPO_ROOT } from '../lib/paths';
import { NewAppOptions, REQUIRED, UsageError, camelCase, checkRequired, parseNewAppArgs, pascalCase } from '../lib/scaffold/options';
import { registerApp, registerImage } from '../lib/scaffold/register';
import { appChartSource } from '../lib/scaffold/template';

/** Asks on the terminal for what the flags left out, until each answer is valid; an empty answer leaves it to fill in. */
async function ask(options: NewAppOptions): Promise<NewAppOptions> {
  const missing = REQUIRED.filter(r => options[r.key] === undefined);
  if (!missing.length || !process.stdin.isTTY) return options;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answers: Partial<NewAppOptions> = {};
  try {
    for (const r of missing) {
      for (;;) {
        const answer = (await rl.question(`${r.question} (${r.flag}; empty to fill in later): `)).trim();
        if (!answer) break;
        try {
          Object.assign(answers, { [r.key]: checkRequired(r.key, answer) });
          break;
        } catch (error) {
          console.error((error as Error).message);
        }
      }
    }
  } finally {
    rl.close();
  }
  return { ...options, ...answers };
}

async function main(argv: string[]): Promise<number> {
  try {
    const options = await ask(parseNewAppArgs(argv));
    const chartFile = path.join(REPO_ROOT, 'charts', `${options.name}.ts`);
    const platformFile = path.join(REPO_ROOT, 'charts', 'platform.ts');
    const imagesFile = path.join(REPO_ROOT, 'lib', 'images.ts');
    if (fs.existsSync(chartFile)) throw new UsageError(`<name>: charts/${options.name}.ts already exists; choose another name`);
    const className = `${pascalCase(options.name)}Chart`;
    // Every file is computed before any is written, so a failure leaves the repository as it was.
    const registered = registerApp(fs.readFileSync(platformFile, 'utf8'), options.name, className);
    const images = options.image !== undefined ? registerImage(fs.readFileSync(imagesFile, 'utf8'), camelCase(options.name), options.image, options.name) : undefined;
    const source = appChartSource(options);
    fs.writeFileSync(chartFile, source);
    fs.writeFileSync(platformFile, registered);
    if (images !== undefined) fs.writeFileSync(imagesFile, images);
    const left = source.split('\n').flatMap((line, i) => (line.includes('fillIn<') ? [`  charts/${options.name}.ts:${i + 1}: ${/fillIn<\w+>\('(\w+)'/.exec(line)?.[1]}`] : []));
    console.log([
      `Wrote charts/${options.name}.ts (${className}) and added it to buildPlatform() in charts/platform.ts${images !== undefined ? `; pinned its image in lib/images.ts as IMAGES.${camelCase(options.name)}` : ''}.`,
      ...(left.length ? [`Left to fill in (npm run synth fails naming each until you do):`, ...left] : []),
      `Next: npm run synth writes dist/${options.category}/${options.name}/; npm run cluster:check checks it on a test control plane.`,
      ...(options.postgres ? [`The secret store must hold item ${options.name}-${options.name}-postgres with field password (dist/README.md lists every item).`] : []),
    ].join('\n'));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && /^(charts\/platform|lib\/images)\.ts:/.test(error.message))) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(code => { process.exitCode = code; });
