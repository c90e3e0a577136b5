import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { parseAllDocuments } from 'yaml';
import { CEL_JS_VERSION, classifyRules } from '../cel/environment';
import { CelSchema, CelSchemaEntry, pruneForCel } from '../cel/schema';
import { ContentHashes } from './content-hash';
import { internSchema } from './intern';
import { KindSchema, SchemaProvider } from './provider';
import { intOrStringAsOneOf, strictSchema } from './strict';
import { requireWithCodeCache } from './code-cache';

// Bump when the transformation of schemas changes, so cached validators are rebuilt.
const CACHE_FORMAT = 4;
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const AJV_VERSION: string = require('ajv/package.json').version;


interface CrdEntry {
  readonly file: string;
  readonly version: string;
  readonly clusterScoped: boolean;
}

/**
 * The content of the files, not their paths or times: a fresh clone or a copy of the project
 * reuses validators compiled from the same bytes elsewhere.
 */
function fingerprint(hashes: ContentHashes, paths: string[]): string {
  const hash = createHash('sha256').update(`${CACHE_FORMAT}:${AJV_VERSION}`);
  for (const p of paths) hash.update(`${path.basename(p)}:${hashes.of(p)}\n`);
  return hash.digest('hex').slice(0, 20);
}

/** The definitions file of a schema folder (k8s-v<version>-definitions.json), with its version. */
function definitionsIn(dir: string): { file: string; version: string } | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const name = fs.readdirSync(dir).filter(f => /^k8s-v\d+\.\d+\.\d+-definitions\.json$/.test(f)).sort().pop();
  return name ? { file: path.join(dir, name), version: name.slice('k8s-v'.length, -'-definitions.json'.length) } : undefined;
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && /\.ya?ml$/.test(e.name))
    .map(e => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

/**
 * Validators for Kubernetes kinds (from the definitions of one release) and custom resources
 * (from CRD files), strict about unknown fields. Compiling a large schema takes Ajv up to seconds,
 * so each validator is compiled once and kept as standalone code in a cache folder, keyed by the
 * content of its source file; later runs only load it.
 */
export class SchemaStore implements SchemaProvider {
  public readonly strict = true;
  public readonly customResources: boolean;
  public readonly description: string;
  public readonly kubernetesVersion: string;
  private readonly definitionsFile: string;
  private definitions?: { definitions: Record<string, Record<string, unknown>> };
  private k8sIndex?: Map<string, string>;
  private crdIndex?: Map<string, CrdEntry>;
  private readonly validators = new Map<string, KindSchema | undefined>();
  private k8sValidators?: Record<string, ValidateFunction>;
  private readonly hashes: ContentHashes;
  /** Each CRD file's documents, parsed once: the index and every kind's schema read them. */
  private readonly crdDocuments = new Map<string, unknown[]>();

  constructor(schemasDir: string, private readonly crdsDir: string, private readonly cacheDir: string) {
    const found = definitionsIn(schemasDir);
    if (!found) throw new Error(`no Kubernetes schema in ${schemasDir}; set PLATFORM_SCHEMAS_DIR to a folder holding k8s-v<version>-definitions.json`);
    this.definitionsFile = found.file;
    this.kubernetesVersion = found.version;
    fs.mkdirSync(cacheDir, { recursive: true });
    this.hashes = new ContentHashes(cacheDir);
    this.customResources = fs.existsSync(crdsDir);
    this.description = `Kubernetes ${found.version} definitions from ${schemasDir}, strict; CRDs from ${this.customResources ? crdsDir : `nowhere (no folder at ${crdsDir}; custom resources unchecked)`}`;
  }

  /** Whether `schemasDir` holds the definitions this store needs. */
  public static available(schemasDir: string): boolean {
    return definitionsIn(schemasDir) !== undefined;
  }

  /** The schema of `apiVersion`/`kind`, or undefined for an unknown kind. */
  public schemaFor(apiVersion: string, kind: string): KindSchema | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!this.validators.has(key)) this.validators.set(key, this.load(apiVersion, kind));
    return this.validators.get(key);
  }

  /** The validator of ObjectMeta, for custom resources whose CRD leaves metadata open. */
  public objectMeta(): ValidateFunction {
    return lazily(() => this.kubernetesValidators()[OBJECT_META]);
  }

  /** The key of the ObjectMeta validator, which custom resources are held to besides their CRD. */
  public get objectMetaKey(): string {
    return `${this.kubernetesModule()}#${OBJECT_META}`;
  }

  /**
   * The validators of every Kubernetes kind of the definitions (and of ObjectMeta), compiled
   * together into one module: Ajv compiles each shared definition (PodSpec, ObjectMeta...) once
   * instead of once per kind, so the module is a tenth of what one module per kind added up to,
   * and a synth loads one file whatever kinds it renders. Keyed by the definitions alone, so every
   * platform and every test shares it.
   */
  private kubernetesValidators(): Record<string, ValidateFunction> {
    if (!this.k8sValidators) {
      const file = path.join(this.cacheDir, `${this.kubernetesModule()}.cjs`);
      if (!fs.existsSync(file)) {
        const ajv = newAjv();
        ajv.addSchema(strictSchema(this.loadDefinitions()), 'k8s');
        const exports: Record<string, string> = {};
        for (const definition of [...new Set([...this.kubernetesIndex().values(), OBJECT_META])].sort()) {
          // A relative id: the reference to k8s# resolves beside it.
          ajv.addSchema({ $ref: `k8s#/definitions/${definition}` }, `kind-${definition}`);
          exports[definition] = `kind-${definition}`;
        }
        writeAtomically(file, standaloneCode(ajv, exports));
      }
      this.k8sValidators = requireWithCodeCache(file) as Record<string, ValidateFunction>;
    }
    return this.k8sValidators;
  }

  /** The name of the module of every Kubernetes kind's validator: it changes with the definitions. */
  private kubernetesModule(): string {
    return `k8s-all-${fingerprint(this.hashes, [this.definitionsFile])}`;
  }

  /**
   * A kind's schema, whose validator's code is loaded when it first validates: an object whose
   * outcome is known by its key (checks/schema.ts) needs none loaded, and they are megabytes.
   */
  private load(apiVersion: string, kind: string): KindSchema | undefined {
    const definition = this.kubernetesIndex().get(`${apiVersion}/${kind}`);
    if (definition) return { source: 'kubernetes', key: `${this.kubernetesModule()}#${definition}`, validate: lazily(() => this.kubernetesValidators()[definition]) };
    const crd = this.customIndex().get(`${apiVersion}/${kind}`);
    if (!crd) return undefined;
    const key = `crd-${apiVersion.replace('/', '-')}-${kind}-${fingerprint(this.hashes, [crd.file])}`;
    return { source: 'crd', key: `${key}+${this.objectMetaKey}`, validate: lazily(() => this.cached(key, () => this.crdSchema(crd, kind))), clusterScoped: crd.clusterScoped };
  }

  /** The CRD schema pruned to its CEL rules, each classified, cached as JSON beside the compiled validators. */
  public celSchemaFor(apiVersion: string, kind: string): CelSchemaEntry | undefined {
    const crd = this.customIndex().get(`${apiVersion}/${kind}`);
    if (!crd) return undefined;
    const key = `cel-${CEL_JS_VERSION}-${apiVersion.replace('/', '-')}-${kind}-${fingerprint(this.hashes, [crd.file])}`;
    const file = path.join(this.cacheDir, `${key.replace(/[^a-zA-Z0-9._-]/g, '_')}.json`);
    if (!fs.existsSync(file)) {
      const pruned = pruneForCel(this.crdOpenApiSchema(crd, kind));
      writeAtomically(file, JSON.stringify(pruned ? classifyRules(pruned) : null));
    }
    const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as CelSchema | null;
    return schema ? { key, schema } : undefined;
  }

  private loadDefinitions() {
    this.definitions ??= JSON.parse(fs.readFileSync(this.definitionsFile, 'utf8'));
    return this.definitions!;
  }

  private kubernetesIndex(): Map<string, string> {
    if (!this.k8sIndex) {
      const file = path.join(this.cacheDir, `k8s-index-${fingerprint(this.hashes, [this.definitionsFile])}.json`);
      if (!fs.existsSync(file)) {
        const index: Record<string, string> = {};
        for (const [name, def] of Object.entries(this.loadDefinitions().definitions)) {
          const gvks = (def['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[];
          for (const { group, version, kind } of gvks) index[`${group ? `${group}/` : ''}${version}/${kind}`] = name;
        }
        writeAtomically(file, JSON.stringify(index));
      }
      this.k8sIndex = new Map(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8'))));
    }
    return this.k8sIndex;
  }

  private customIndex(): Map<string, CrdEntry> {
    if (!this.crdIndex) {
      const files = yamlFiles(this.crdsDir);
      const file = path.join(this.cacheDir, `crd-index-${fingerprint(this.hashes, files)}.json`);
      if (!fs.existsSync(file)) {
        const index: Record<string, CrdEntry> = {};
        for (const crdFile of files) {
          for (const doc of this.documentsOf(crdFile)) {
            const crd = doc as { kind?: string; spec?: { group: string; scope: string; names: { kind: string }; versions: { name: string; served?: boolean }[] } };
            if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
            for (const version of crd.spec.versions.filter(v => v.served !== false)) {
              // Relative: the index is shared by every copy of the project with the same CRDs.
              index[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = { file: path.relative(this.crdsDir, crdFile), version: version.name, clusterScoped: crd.spec.scope === 'Cluster' };
            }
          }
        }
        writeAtomically(file, JSON.stringify(index));
      }
      const entries = Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, CrdEntry>);
      this.crdIndex = new Map(entries.map(([key, entry]) => [key, { ...entry, file: path.join(this.crdsDir, entry.file) }]));
    }
    return this.crdIndex;
  }

  /** The documents of a CRD file, parsed on first use; callers copy what they change. */
  private documentsOf(file: string): unknown[] {
    let documents = this.crdDocuments.get(file);
    if (!documents) {
      documents = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(doc => doc.toJS() as unknown);
      this.crdDocuments.set(file, documents);
    }
    return documents;
  }

  private crdOpenApiSchema(entry: CrdEntry, kind: string): Record<string, unknown> {
    for (const doc of this.documentsOf(entry.file)) {
      const crd = doc as { spec?: { names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: Record<string, unknown> } }[] } };
      if (crd?.spec?.names.kind !== kind) continue;
      const version = crd.spec.versions.find(v => v.name === entry.version);
      return version?.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    }
    throw new Error(`${entry.file}: no CRD for kind ${kind}`);
  }

  private crdSchema(entry: CrdEntry, kind: string): { ajv: Ajv; schema: object } {
    return { ajv: newAjv(), schema: internSchema(strictSchema(intOrStringAsOneOf(this.crdOpenApiSchema(entry, kind)))) };
  }

  /** Loads a compiled validator from the cache, compiling and storing it on a miss. */
  private cached(key: string, build: () => { ajv: Ajv; schema: object }): ValidateFunction {
    const file = path.join(this.cacheDir, `${key.replace(/[^a-zA-Z0-9._-]/g, '_')}.cjs`);
    if (!fs.existsSync(file)) {
      const { ajv, schema } = build();
      writeAtomically(file, standaloneCode(ajv, ajv.compile(schema)));
    }
    return requireWithCodeCache(file) as ValidateFunction;
  }
}

/** A validate function that loads the real one on its first call, and gives its errors. */
function lazily(load: () => ValidateFunction): ValidateFunction {
  let loaded: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    loaded ??= load();
    const valid = loaded(data);
    validate.errors = loaded.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
}

function newAjv(): Ajv {
  // Kubernetes schemas use x-kubernetes-* keywords and formats Ajv does not know: ignore them.
  // inlineRefs: false compiles each referenced schema once, as its own function.
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, inlineRefs: false, code: { source: true } });
}

/** Two synths at once must never read a half-written cache file. */
function writeAtomically(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}
