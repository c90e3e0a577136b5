import { Finding } from './finding';
import { ValidationReport } from './validate';

export type ReportFormat = 'text' | 'json' | 'markdown';

const COLOUR = { red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/** One line per exempt object and rule, however many findings the exemption covers. */
export function uniqueExemptions(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter(f => !seen.has(`${f.rule} ${f.object}`) && Boolean(seen.add(`${f.rule} ${f.object}`)));
}

/**
 * Where to fix it: the file and line, and the construct. An object from plain YAML or a chart is
 * named by its source (`charts/manifests/echo/echo.yaml:2`, a chart's template), not by the file
 * in dist/ it would be written to.
 */
function where(f: Finding): string {
  const construct = f.constructPath ? ` (${f.constructPath})` : '';
  if (f.source) return `${f.source.file}${f.source.line ? `:${f.source.line}` : ''}, document ${f.source.document}${construct}`;
  return `${f.file}${f.line ? `:${f.line}` : ''}${construct}`;
}

function counts(report: ValidationReport): string {
  return `${report.objects} objects: ${report.errors.length} errors, ${report.warnings.length} warnings, ${report.exempted.length} exempted (schemas: ${report.schemas})`;
}

/** One finding on one line: rule, object, where (file, line, construct path), message. */
export function formatFinding(f: Finding): string {
  return `${f.rule} ${f.object} at ${where(f)}: ${f.message}`;
}

/** Findings for a terminal: one block per finding, then the exemptions, then the counts. */
export function formatText(report: ValidationReport, colour = false): string {
  const c = (code: keyof typeof COLOUR, s: string) => (colour ? `${COLOUR[code]}${s}${COLOUR.reset}` : s);
  const lines: string[] = [];
  for (const f of [...report.errors, ...report.warnings]) {
    const label = f.severity === 'error' ? c('red', 'error  ') : c('yellow', 'warning');
    lines.push(`${label} ${c('bold', f.rule)}  ${f.object}  ${c('dim', where(f))}`, `        ${f.message}`);
  }
  if (report.exempted.length) {
    lines.push(c('dim', 'Exempted:'));
    for (const f of uniqueExemptions(report.exempted)) lines.push(c('dim', `  ${f.rule}  ${f.object}: ${f.exemption}`));
  }
  lines.push(...report.notes.map(note => c('dim', note)));
  lines.push(counts(report));
  return lines.join('\n');
}

export function formatJson(report: ValidationReport): string {
  return JSON.stringify({ summary: { objects: report.objects, errors: report.errors.length, warnings: report.warnings.length, exempted: report.exempted.length }, ...report }, null, 2);
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown report for a pull request comment. */
export function formatMarkdown(report: ValidationReport): string {
  const lines = [`**Validation**: ${counts(report)}`, ''];
  const failing = [...report.errors, ...report.warnings];
  if (failing.length) {
    lines.push('| severity | rule | object | where | finding |', '| --- | --- | --- | --- | --- |');
    for (const f of failing) lines.push(`| ${f.severity} | \`${f.rule}\` | ${cell(f.object)} | ${cell(where(f))} | ${cell(f.message)} |`);
    lines.push('');
  }
  if (report.exempted.length) {
    lines.push('| exempt rule | object | reason |', '| --- | --- | --- |');
    for (const f of uniqueExemptions(report.exempted)) lines.push(`| \`${f.rule}\` | ${cell(f.object)} | ${cell(f.exemption ?? '')} |`);
  }
  if (report.notes.length) lines.push('', ...report.notes.map(note => `- ${note}`));
  return lines.join('\n');
}

export function formatReport(report: ValidationReport, format: ReportFormat, colour = false): string {
  return format === 'json' ? formatJson(report) : format === 'markdown' ? formatMarkdown(report) : formatText(report, colour);
}
