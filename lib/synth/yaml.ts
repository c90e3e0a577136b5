import { Document, stringify } from 'yaml';

// Kubernetes reads YAML 1.1, where `on`, `yes`, `0755` and `12:30` are not strings; writing in 1.1
// mode quotes them. No line folding: long values stay on one line and diff cleanly.
const OPTIONS = { version: '1.1', lineWidth: 0 } as const;

const TOP_KEYS = ['apiVersion', 'kind', 'metadata'];
const NESTED_KEYS = ['name', 'namespace'];

function keyOrder(first: string[]) {
  return (a: string, b: string): number => {
    const ia = first.indexOf(a);
    const ib = first.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? first.length : ia) - (ib < 0 ? first.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}
const TOP_ORDER = keyOrder(TOP_KEYS);
const NESTED_ORDER = keyOrder(NESTED_KEYS);

/**
 * The same value with every mapping's keys in reading order: apiVersion, kind, metadata, then
 * `name` first in any list item, the rest alphabetical. Independent of construction order, so
 * the bytes depend only on the content.
 */
export function orderKeys(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map(item => orderKeys(item, false));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort(top ? TOP_ORDER : NESTED_ORDER)) ordered[key] = orderKeys(source[key], false);
  return ordered;
}

/** One manifest as YAML, preceded by comment lines. */
export function toYamlDocument(object: unknown, comment: string[]): string {
  return yamlComment(comment) + yamlBody(object);
}

/** Comment lines, as they precede a YAML document. */
export function yamlComment(lines: string[]): string {
  return lines.map(line => `# ${line}\n`).join('');
}

/** One manifest as YAML. */
export function yamlBody(object: unknown): string {
  return fastYaml(object) ?? stringify(orderKeys(object), OPTIONS);
}

/** The same text as `stringify(orderKeys(value), OPTIONS)`, by the `yaml` package itself. */
export function referenceYaml(value: unknown): string {
  return stringify(orderKeys(value), OPTIONS);
}

/*
 * A writer for the one shape synthesis prints (a mapping of JSON values, keys ordered as
 * orderKeys does, YAML 1.1, no folding) that gives the bytes the `yaml` package gives, about
 * twenty times faster: that package builds a node tree and a context per value, which was a
 * quarter of a synth. It takes only what it is sure of and gives up (undefined) on anything else,
 * which the package then writes: keys that need quotes, numbers that are not plain integers,
 * strings with control characters, whitespace-only last lines or a document marker.
 * test/yaml-writer.test.ts compares both on every rendered object and on a corpus of odd values.
 */

class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported();

// The rules of yaml's stringifyString (plainString, blockString, quotedString) for our options.
// Without the u flag, which made this test a tenth of the writer's time: every surrogate matches, a
// lone one as yaml escapes it and a pair (an emoji) too, whose document the package then writes.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\uD800-\uDFFF]/;
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const TRAILING_BLANK_LINE = /\n[\t ]+$/;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** The tests of the YAML 1.1 schema's scalar types other than str: a plain string they match must be quoted. */
const SCALAR_TESTS: RegExp[] = (new Document(null, OPTIONS).schema as unknown as { tags: { default?: boolean; tag: string; test?: RegExp }[] }).tags
  .filter(t => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test)
  .map(t => t.test!);
/**
 * Whether a plain `s` would read as another type. Only the null and bool words start with a letter,
 * and none is longer than five characters: a longer string that starts with a letter, or one that
 * starts with none of the characters the tests can start with, is a string without running them.
 */
function looksLikeAnotherType(s: string): boolean {
  const c = s.charCodeAt(0);
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (letter ? s.length > 5 : s.length > 0 && !SCALAR_STARTS.includes(s[0])) return false;
  return SCALAR_TESTS.some(test => test.test(s));
}
const SCALAR_STARTS = '~+-.<0123456789';

/** A string in quotes, as yaml's quotedString writes one without a line break or control character. */
function quoted(value: string): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  return hasDouble && !hasSingle ? `'${value.replace(/'/g, "''")}'` : JSON.stringify(value);
}

/** Keys found plain: the same few hundred keys recur on every object. */
const PLAIN_KEYS = new Set<string>();

/** A mapping key: plain, or unsupported. */
function keyText(key: string): string {
  if (PLAIN_KEYS.has(key)) return key;
  if (key.length === 0 || key.length > 1024 || CONTROL.test(key) || key.includes('\n') || NOT_PLAIN.test(key) || DOCUMENT_MARKER.test(key) || looksLikeAnotherType(key)) throw UNSUPPORTED;
  PLAIN_KEYS.add(key);
  return key;
}

/** A string value (not a key) at a nesting whose lines are indented by `indent`. */
function stringText(value: string, indent: string): string {
  if (CONTROL.test(value)) throw UNSUPPORTED;
  if (!value.includes('\n')) {
    if (DOCUMENT_MARKER.test(value)) throw UNSUPPORTED;
    if (NOT_PLAIN.test(value) || looksLikeAnotherType(value)) return quoted(value);
    return value;
  }
  if (TRAILING_BLANK_LINE.test(value)) throw UNSUPPORTED;
  return literalBlock(value, indent);
}

// Copied from yaml's blockString (ISC licence, Eemeli Aro) for the literal style it always picks
// here: no line is over a width of 0.
let blockEndNewlines: RegExp;
try {
  blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
} catch {
  blockEndNewlines = /\n+(?!\n|$)/g;
}
function literalBlock(text: string, indent: string): string {
  let value = text;
  let endStart: number;
  for (endStart = value.length; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  let chomp: string;
  if (endNlPos === -1) chomp = '-';
  else if (value === end || endNlPos !== end.length - 1) chomp = '+';
  else chomp = '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(blockEndNewlines, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  value = value.replace(/\n+/g, `$&${indent}`);
  return `|${header}\n${indent}${start}${value}${end}`;
}

/** A scalar value at a nesting whose lines are indented by `indent`. */
function scalarText(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'string':
      return stringText(value, indent);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw UNSUPPORTED;
      return String(value);
    default:
      if (value === null) return 'null';
      throw UNSUPPORTED;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** The keys of a mapping in the order orderKeys gives them (index-like keys first, as JavaScript orders them). */
function orderedKeys(source: Record<string, unknown>, top: boolean): string[] {
  const keys = Object.keys(source).filter(k => source[k] !== undefined).sort(top ? TOP_ORDER : NESTED_ORDER);
  if (!keys.some(k => ARRAY_INDEX.test(k))) return keys;
  const ordered: Record<string, true> = {};
  for (const key of keys) ordered[key] = true;
  return Object.keys(ordered);
}

/**
 * Writes a non-empty mapping whose keys start at `indent` into `out`; the first line carries no
 * indentation. The pieces are joined once at the end: concatenating them level by level built a
 * deep tree of strings that every later read of the text had to flatten again.
 */
function writeMapping(out: string[], source: Record<string, unknown>, indent: string, top: boolean): void {
  const keys = orderedKeys(source, top);
  const inner = `${indent}  `;
  for (let i = 0; i < keys.length; i++) {
    const value = source[keys[i]];
    if (i > 0) out.push('\n', indent);
    out.push(keyText(keys[i]), ':');
    if (Array.isArray(value)) {
      if (value.length) {
        out.push('\n', inner);
        writeSequence(out, value, inner);
      } else out.push(' []');
    } else if (isPlainObject(value)) {
      if (Object.keys(value).some(k => value[k] !== undefined)) {
        out.push('\n', inner);
        writeMapping(out, value, inner, false);
      } else out.push(' {}');
    } else {
      out.push(' ', scalarText(value, inner));
    }
  }
}

/** Writes a non-empty sequence whose dashes start at `indent` into `out`; the first line carries no indentation. */
function writeSequence(out: string[], items: unknown[], indent: string): void {
  const inner = `${indent}  `;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i > 0) out.push('\n', indent);
    if (Array.isArray(item)) {
      if (item.length) {
        out.push('- ');
        writeSequence(out, item, inner);
      } else out.push('- []');
    } else if (isPlainObject(item)) {
      if (Object.keys(item).some(k => item[k] !== undefined)) {
        out.push('- ');
        writeMapping(out, item, inner, false);
      } else out.push('- {}');
    } else {
      out.push('- ', scalarText(item, inner));
    }
  }
}

/** The YAML of a manifest when this writer is sure of every value in it; otherwise undefined. */
export function fastYaml(value: unknown): string | undefined {
  if (!isPlainObject(value) || !Object.keys(value).some(k => value[k] !== undefined)) return undefined;
  try {
    const out: string[] = [];
    writeMapping(out, value, '', true);
    out.push('\n');
    return out.join('');
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
