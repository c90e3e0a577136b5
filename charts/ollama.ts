import { Overrides, refuseRenamed, withDefaults } from '../lib/config';
import { Ollama, OLLAMA_DEFAULTS, OllamaProps } from '../lib/ai/ollama';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';

/**
 * Seed 004: Ollama serving Llama 3 on the mini PC's Radeon 780M iGPU, for the blog's comment
 * summaries. The `Ollama` props, under their names; the construct's defaults apply to the rest.
 */
export type OllamaConfig = Omit<OllamaProps, 'name'>;

export const OLLAMA_CONFIG_DEFAULTS: OllamaConfig = {
  // The Radeon 780M of seed 004's AMD mini PC (Phoenix1), as declared in `PLATFORM_SETTINGS.capacity.gpus`.
  gpu: { model: 'gfx1103' },
  // Seed 004 runs Llama 3.
  models: ['llama3'],
  // Seed 004: a 48Gi limit, because the iGPU's memory is the system's RAM; the request is ours.
  resources: OLLAMA_DEFAULTS.resources,
  // LAN and VPN only: the API has no authentication.
  internalHostnames: ['ollama.home.arpa'],
};

/** Its config's fields renamed to the construct props they set. */
const OLLAMA_RENAMED = { 'gpuModel': 'gpu.model', 'storage.models': 'modelsStorage', 'storage.storageClassName': 'storageClassName' };

/** The `ai` category's one app: an LLM server on the GPU node. */
export class OllamaChart extends AppChart {
  public readonly config: OllamaConfig;
  public readonly ollama: Ollama;

  constructor(platform: Platform, id = 'ollama', overrides: Overrides<OllamaConfig> = {}) {
    super(platform, id, { category: 'ai' });
    const config = withDefaults(OLLAMA_CONFIG_DEFAULTS, refuseRenamed(this, overrides, OLLAMA_RENAMED));
    this.config = config;
    this.ollama = new Ollama(this, 'ollama', config);
  }
}
