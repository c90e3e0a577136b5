/**
 * `npm run validate -- [folder...] [--format text|json|markdown]`: every rule of the validator over
 * any folder of YAML (default dist/). Exit codes: 0 no errors, 2 errors found, 1 crash or bad usage.
 */
import { formatReport, ReportFormat } from '../lib/validate/format';
import { loadManifests } from '../lib/validate/load';
import { validateSubjects } from '../lib/validate/validate';

const FORMATS: ReportFormat[] = ['text', 'json', 'markdown'];

function main(argv: string[]): number {
  let format: ReportFormat = 'text';
  const folders: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--format') {
      const value = argv[++i] as ReportFormat;
      if (!FORMATS.includes(value)) {
        console.error(`--format must be one of ${FORMATS.join(', ')} (got ${value ?? 'nothing'})`);
        return 1;
      }
      format = value;
    } else if (argv[i].startsWith('--')) {
      console.error(`unknown flag ${argv[i]} (usage: npm run validate -- [folder...] [--format text|json|markdown])`);
      return 1;
    } else folders.push(argv[i]);
  }
  const { subjects, findings } = loadManifests(folders.length ? folders : ['dist']);
  const report = validateSubjects(subjects, undefined, findings);
  console.log(formatReport(report, format, format === 'text' && process.stdout.isTTY));
  return report.errors.length ? 2 : 0;
}

process.exitCode = main(process.argv.slice(2));
