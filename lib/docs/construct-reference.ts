import * as path from 'node:path';
import { REPO_ROOT } from '../paths';

// The part of TypeDoc's model this reads. TypeDoc is an ES module whose types resolve only under
// the node16 module resolution, so they are restated here, and it is loaded with import() of a
// name the type-check does not resolve.
interface Part { readonly text: string }
interface CommentTag { readonly content: Part[] }
interface Comment { readonly summary: Part[]; getTag(tag: string): CommentTag | undefined; getTags(tag: string): CommentTag[] }
interface TypeLike { toString(): string }
interface Flags { readonly isOptional: boolean; readonly isRest: boolean; readonly isPrivate: boolean; readonly isProtected: boolean; readonly isStatic: boolean }
interface Parameter { readonly name: string; readonly flags: Flags; readonly defaultValue?: string; readonly type?: TypeLike }
interface Signature { readonly comment?: Comment; readonly parameters?: Parameter[] }
interface DeclarationReflection {
  readonly name: string;
  readonly flags: Flags;
  readonly comment?: Comment;
  readonly children?: DeclarationReflection[];
  readonly type?: TypeLike;
  readonly signatures?: Signature[];
  readonly getSignature?: Signature;
  readonly extendedTypes?: TypeLike[];
  readonly inheritedFrom?: unknown;
  readonly sources?: { readonly line: number }[];
  kindOf(kind: number): boolean;
}
type ProjectReflection = DeclarationReflection;
interface TypeDoc {
  readonly Application: { bootstrap(options: Record<string, unknown>): Promise<{ convert(): Promise<ProjectReflection | undefined> }> };
  readonly Comment: { combineDisplayParts(parts: Part[]): string };
  readonly ReflectionKind: { readonly Class: number; readonly Interface: number; readonly Function: number; readonly Property: number; readonly Constructor: number; readonly Method: number; readonly Accessor: number };
}
const TYPEDOC: string = 'typedoc';
const loadTypeDoc = async (): Promise<TypeDoc> => (await import(TYPEDOC)) as TypeDoc;

// Set once TypeDoc is loaded; the renderers below run after.
let td: TypeDoc;

/*
 * docs/reference/constructs.md: every construct a chart composes, with its props, each prop's type,
 * default and purpose, read from the TypeScript sources by TypeDoc (pinned in package.json), so the
 * reference says what the code does. `npm run docs:reference` writes it; a test fails while it is stale.
 */

export const REFERENCE_FILE = 'docs/reference/constructs.md';

/** The modules a chart imports from, in the order the reference lists them. */
export const REFERENCE_MODULES: readonly { readonly file: string; readonly title: string }[] = [
  { file: 'lib/platform/app-chart.ts', title: 'An app' },
  { file: 'lib/web/web-service.ts', title: 'Web services' },
  { file: 'lib/workloads/resources.ts', title: 'Requests and limits' },
  { file: 'lib/k8s/probe.ts', title: 'Probes' },
  { file: 'lib/k8s/volume.ts', title: 'Volumes and mounts' },
  { file: 'lib/storage/volume-claim.ts', title: 'Volume claims' },
  { file: 'lib/data/postgres.ts', title: 'PostgreSQL' },
  { file: 'lib/data/valkey.ts', title: 'Valkey' },
  { file: 'lib/networking/routes.ts', title: 'Routes' },
  { file: 'lib/platform/connections.ts', title: 'Connections' },
  { file: 'lib/secrets/external-secret.ts', title: 'Secrets' },
  { file: 'lib/k8s/secret-key-ref.ts', title: 'A key of a Secret' },
  { file: 'lib/upstream/helm-chart.ts', title: 'Helm charts' },
  { file: 'lib/upstream/manifests.ts', title: 'Plain YAML' },
  { file: 'lib/upstream/manifest-patches.ts', title: 'Patches of upstream YAML' },
  { file: 'lib/upstream/chart-workload.ts', title: 'Workloads of charts and YAML' },
  { file: 'lib/ai/ollama.ts', title: 'Ollama' },
];

const text = (parts: Comment['summary'] | undefined) => td.Comment.combineDisplayParts(parts ?? []).replace(/\s*\n\s*/g, ' ').trim();
const cell = (s: string) => s.replace(/\|/g, '\\|');

function defaultOf(r: DeclarationReflection): string {
  const tag = r.comment?.getTag('@default');
  if (!tag) return r.flags.isOptional ? '-' : '**required**';
  const value = text(tag.content).replace(/^```ts\s*/, '').replace(/\s*```$/, '');
  if (value.startsWith('-')) return value.slice(1).trim() || '-';
  // A value (`2`, `'public'`, `QUOTA_HEADROOM`, `{}`) is code; what follows it, or a sentence, is prose.
  const code = /^('[^']*'|"[^"]*"|-?\d[\w.]*|true|false|\{[^}]*\}|\[[^\]]*\]|[A-Z][A-Za-z0-9]*[._][A-Za-z0-9_.]*(\([^)]*\))?)(?=[\s,;]|$)/.exec(value);
  return code ? `\`${code[0]}\`${value.slice(code[0].length)}` : value;
}

function seeOf(r: DeclarationReflection): string {
  const see = r.comment?.getTags('@see') ?? [];
  return see.map(t => text(t.content)).filter(Boolean).map(u => ` See ${u}.`).join('');
}

/** A props interface (or any exported interface) as a table: prop, type, default, what it is. */
function interfaceTable(i: DeclarationReflection): string[] {
  const props = (i.children ?? []).filter(c => c.kindOf(td.ReflectionKind.Property));
  const lines = [`#### \`${i.name}\``, ''];
  const summary = text(i.comment?.summary);
  if (summary) lines.push(summary, '');
  if (i.extendedTypes?.length) lines.push(`Also every prop of ${i.extendedTypes.map(t => `\`${t.toString()}\``).join(', ')}.`, '');
  if (!props.length) return lines;
  lines.push('| prop | type | default | |', '| --- | --- | --- | --- |');
  for (const p of props) {
    if (p.inheritedFrom) continue;
    lines.push(`| \`${p.name}\` | \`${cell(p.type?.toString() ?? 'unknown')}\` | ${cell(defaultOf(p))} | ${cell(`${text(p.comment?.summary)}${seeOf(p)}`)} |`);
  }
  lines.push('');
  return lines;
}

/** A class: its summary, constructor, and public methods with their one-line docs. */
function classSection(c: DeclarationReflection): string[] {
  const lines = [`#### \`${c.name}\``, ''];
  const summary = text(c.comment?.summary);
  if (summary) lines.push(summary + seeOf(c), '');
  const ctor = c.children?.find(x => x.kindOf(td.ReflectionKind.Constructor))?.signatures?.[0];
  if (ctor) lines.push(`\`new ${c.name}(${(ctor.parameters ?? []).map(p => `${p.name}${p.flags.isOptional || p.defaultValue ? '?' : ''}: ${p.type?.toString()}`).join(', ')})\``, '');
  const methods = (c.children ?? []).filter(x => (x.kindOf(td.ReflectionKind.Method) || x.kindOf(td.ReflectionKind.Accessor)) && !x.flags.isPrivate && !x.flags.isProtected && !x.inheritedFrom && !x.name.startsWith('_'));
  for (const m of methods) {
    const sig = m.signatures?.[0] ?? m.getSignature;
    if (!sig) continue;
    const params = m.kindOf(td.ReflectionKind.Accessor) ? '' : `(${(sig.parameters ?? []).map(p => `${p.flags.isRest ? '...' : ''}${p.name}`).join(', ')})`;
    lines.push(`- \`${m.flags.isStatic ? `${c.name}.` : '.'}${m.name}${params}\`: ${text(sig.comment?.summary) || text(m.comment?.summary) || '(undocumented)'}`);
  }
  if (methods.length) lines.push('');
  return lines;
}

function functionLine(f: DeclarationReflection): string {
  const sig = f.signatures?.[0];
  return `- \`${f.name}(${(sig?.parameters ?? []).map(p => p.name).join(', ')})\`: ${text(sig?.comment?.summary) || '(undocumented)'}`;
}

/** The reference as Markdown, from the project TypeDoc converted. */
export function renderReference(project: ProjectReflection): string {
  const lines = [
    '# Construct reference',
    '',
    'Generated by `npm run docs:reference` from the props and their `@default` docs in `lib/` (TypeDoc); do not edit.',
    'The guides ([adding an app](../adding-an-app.md), [charts](../charts.md), [plain YAML](../plain-yaml.md)) show them in use.',
    '',
  ];
  const modules = new Map((project.children ?? []).map(m => [m.name, m]));
  for (const { file, title } of REFERENCE_MODULES) {
    const name = file.replace(/\.ts$/, '');
    const module = modules.get(name);
    if (!module) throw new Error(`${REFERENCE_FILE}: TypeDoc found no module ${name}`);
    lines.push(`## ${title}`, '', `From \`${file}\`.`, '');
    const children = [...(module.children ?? [])].sort((a, b) => (a.sources?.[0]?.line ?? 0) - (b.sources?.[0]?.line ?? 0));
    for (const c of children.filter(x => x.kindOf(td.ReflectionKind.Class))) lines.push(...classSection(c));
    for (const i of children.filter(x => x.kindOf(td.ReflectionKind.Interface))) lines.push(...interfaceTable(i));
    const functions = children.filter(x => x.kindOf(td.ReflectionKind.Function));
    if (functions.length) lines.push('Functions:', '', ...functions.map(functionLine), '');
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** Converts the reference modules with TypeDoc and renders the reference. */
export async function constructReference(): Promise<string> {
  td = await loadTypeDoc();
  const app = await td.Application.bootstrap({
    entryPoints: REFERENCE_MODULES.map(m => path.join(REPO_ROOT, m.file)),
    tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
    basePath: REPO_ROOT,
    excludePrivate: true,
    excludeProtected: true,
    excludeExternals: true,
    excludeNotDocumented: false,
    skipErrorChecking: true,
    logLevel: 'Error',
    sort: ['source-order'],
  });
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the construct modules');
  return renderReference(project);
}
