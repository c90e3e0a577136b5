'use strict';
/**
 * Type-checks an entry point and everything it imports before scripts/launch.cjs bundles it:
 * esbuild only strips types, so a misspelt prop (`replica: 3`) would otherwise run with the
 * default. Cached twice over: the generated CRD constructs (7 MB of imports/) are a referenced
 * project whose declarations are built once into .cache/tsc/imports/ (tsconfig.imports.json), and
 * the builder program's state persists in .cache/tsc/, so after an edit only the changed files and
 * their dependents are checked again.
 */
const path = require('node:path');
const fs = require('node:fs');

/** `file:line:col: error TSnnnn: message`, the file relative to the repository. */
function format(ts, root, d) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${path.relative(root, d.file.fileName)}:${line + 1}:${character + 1}: error TS${d.code}: ${message}`;
}

/** Builds imports/' declarations when they are missing or older than their sources. */
function buildImports(ts, root) {
  const errors = [];
  const host = ts.createSolutionBuilderHost(ts.sys, undefined, d => errors.push(format(ts, root, d)));
  ts.createSolutionBuilder(host, [path.join(root, 'tsconfig.imports.json')], {}).build();
  return errors;
}

/** Diagnostics of the entry's program as lines; [] when it type-checks. */
function typecheck(root, entry, name) {
  const ts = require('typescript');
  const configFile = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configFile, ts.sys.readFile);
  if (config.error) return [format(ts, root, config.error)];
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configFile);
  const cacheDir = path.join(root, '.cache', 'tsc');
  fs.mkdirSync(cacheDir, { recursive: true });
  const importErrors = buildImports(ts, root);
  if (importErrors.length) return importErrors;

  const options = { ...parsed.options, noEmit: true, incremental: true, tsBuildInfoFile: path.join(cacheDir, `${name}.tsbuildinfo`) };
  const program = ts.createIncrementalProgram({
    rootNames: [entry],
    options,
    host: ts.createIncrementalCompilerHost(options),
    projectReferences: [{ path: path.join(root, 'tsconfig.imports.json') }],
  });
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ];
  // With noEmit, emit() writes only the .tsbuildinfo the next run starts from.
  program.emit();
  return diagnostics.map(d => format(ts, root, d));
}

module.exports = { typecheck };
