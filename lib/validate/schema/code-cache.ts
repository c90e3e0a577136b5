import * as fs from 'node:fs';
import { createRequire, wrap } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * Loads a CommonJS file as `require` does, keeping V8's compiled code beside it (`<file>.v8`): the
 * compiled validators are megabytes of JavaScript, and compiling them again on every synth cost
 * more than running them. A stale or foreign code cache is rejected by V8 and rewritten. The cache
 * is written when the process exits, so that it holds the functions the run compiled lazily (the
 * validators it called), not only the module's top level.
 */
export function requireWithCodeCache(file: string): unknown {
  const cacheFile = `${file}.v8`;
  const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
  const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} as unknown };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  if (!cachedData || script.cachedDataRejected) writeAtExit(cacheFile, script);
  return module.exports;
}

/** The code caches to write when the process exits, by one listener however many modules there are. */
const toWrite = new Map<string, vm.Script>();
function writeAtExit(cacheFile: string, script: vm.Script): void {
  if (toWrite.size === 0) process.once('exit', () => toWrite.forEach(writeCodeCache));
  toWrite.set(cacheFile, script);
}

function writeCodeCache(script: vm.Script, cacheFile: string): void {
  try {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, cacheFile);
  } catch {
    // The next run compiles again and tries to write it then.
  }
}
