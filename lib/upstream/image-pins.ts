import { IMAGES } from '../images';
import { parseImage } from '../k8s/image';
import type { SourcedDocument } from './rendering';

/*
 * Images of upstream YAML and charts go through the pins of lib/images.ts, where Renovate finds
 * and bumps them, like every construct's: an image written straight into a YAML file or a chart's
 * values would never be updated, so synthesis refuses it and says what to do instead.
 */

const PINS: ReadonlySet<string> = new Set(Object.values(IMAGES));

interface Container { name?: string; image?: string }
interface PodOwner { kind?: string; metadata?: { name?: string }; spec?: { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } } }
interface PodTemplate { spec?: { containers?: Container[]; initContainers?: Container[] } }

/** An image a document runs that no pin names. */
export interface UnpinnedImage {
  readonly image: string;
  readonly container: string;
  readonly owner: string;
  readonly doc: SourcedDocument;
}

/** Every container image of `documents` that is neither a pin of lib/images.ts nor allowed by `allowed`. */
export function unpinnedImages(documents: SourcedDocument[], allowed: (image: string) => boolean): UnpinnedImage[] {
  const found: UnpinnedImage[] = [];
  for (const doc of documents) {
    const value = doc.value as PodOwner | null;
    const template = value?.kind === 'CronJob' ? value.spec?.jobTemplate?.spec?.template : value?.spec?.template;
    for (const c of [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])]) {
      if (!c.image || PINS.has(c.image) || allowed(c.image)) continue;
      found.push({ image: c.image, container: c.name ?? '(unnamed)', owner: `${value?.kind} ${value?.metadata?.name}`, doc });
    }
  }
  return found;
}

/** A key for lib/images.ts from an image's repository: `ghcr.io/paperless-ngx/paperless-ngx` -> `paperlessNgx`. */
export function pinName(image: string): string {
  const last = parseImage(image).repository.split('/').pop() ?? 'app';
  return last.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^[^A-Za-z]+/, '') || 'app';
}

/** The pin to add for `image`, as a line of lib/images.ts; a tagless image gets a placeholder version to replace. */
export function pinSuggestion(image: string): string {
  const { tag, digest } = parseImage(image);
  const pinned = tag && tag !== 'latest' ? image : `${parseImage(image).repository}:<version>`;
  return `${pinName(image)}: '${digest ? image : pinned}'`;
}
