import { Overrides, withDefaults } from '../lib/config';
import { Ollama, OLLAMA_DEFAULTS } from '../lib/ai/ollama';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { ResourcesProps } from '../lib/workloads/resources';

/** Seed 004: Ollama serving Llama 3 on the mini PC's Radeon 780M iGPU, for the blog's comment summaries. */
export interface OllamaConfig {
  readonly image: string;
  /** The GPU model, as declared in `PLATFORM_SETTINGS.capacity.gpus`. */
  readonly gpuModel: string;
  /** Models pulled before the server starts. */
  readonly models: string[];
  readonly resources: ResourcesProps;
  readonly storage: { readonly models: string; readonly storageClassName?: string };
  /** Internal hostnames (LAN and VPN only); the API has no authentication. */
  readonly internalHostnames: string[];
}

export const OLLAMA_CONFIG_DEFAULTS: OllamaConfig = {
  image: OLLAMA_DEFAULTS.image,
  // The Radeon 780M of seed 004's AMD mini PC (Phoenix1).
  gpuModel: 'gfx1103',
  // Seed 004 runs Llama 3.
  models: ['llama3'],
  // Seed 004: a 48Gi limit, because the iGPU's memory is the system's RAM; the request is ours.
  resources: OLLAMA_DEFAULTS.resources,
  storage: { models: OLLAMA_DEFAULTS.modelsStorage },
  internalHostnames: ['ollama.home.arpa'],
};

/** The `ai` category's one app: an LLM server on the GPU node. */
export class OllamaChart extends AppChart {
  public readonly config: OllamaConfig;
  public readonly ollama: Ollama;

  constructor(platform: Platform, id = 'ollama', overrides: Overrides<OllamaConfig> = {}) {
    super(platform, id, { category: 'ai' });
    const config = withDefaults(OLLAMA_CONFIG_DEFAULTS, overrides);
    this.config = config;
    this.ollama = new Ollama(this, 'ollama', {
      image: config.image,
      gpu: { model: config.gpuModel },
      models: config.models,
      resources: config.resources,
      modelsStorage: config.storage.models,
      storageClassName: config.storage.storageClassName,
      internalHostnames: config.internalHostnames,
    });
  }
}
