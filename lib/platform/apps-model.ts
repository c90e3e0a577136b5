import { ApiObject } from 'cdk8s';
import { objectFile } from '../model/file-name';
import type { Manifest } from '../model/manifest';
import { PlatformModel } from '../model/model';
import type { ContainerDefaults } from '../model/workloads';
import type { AppChart } from './app-chart';
import { Platform } from './platform';

const MODELS = new WeakMap<Platform, PlatformModel>();
const CONTAINER_DEFAULTS = Symbol('platform.containerDefaults');

/**
 * Declares what the LimitRange of every app namespace will give containers that set no resources,
 * which the model sizes their pods with before the LimitRanges are rendered.
 */
export function declareContainerDefaults(platform: Platform, defaults: ContainerDefaults): void {
  platform.declarations.extension(CONTAINER_DEFAULTS, () => ({ defaults })).defaults = defaults;
}

/** The rendered objects of an app chart, each with the file it will be written to. */
export function appObjects(chart: AppChart): { file: string; manifest: Manifest }[] {
  return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map(o => {
    const manifest = o.toJson() as Manifest;
    return { file: objectFile(chart.outputDir, manifest), manifest };
  });
}

/**
 * The model of every app's objects as they stand when the `namespaces` step of the derive phase
 * starts (every app and everything derived into them so far), built once and shared by the
 * NetworkPolicies and the quotas derived from it.
 */
export function appsModel(platform: Platform): PlatformModel {
  let model = MODELS.get(platform);
  if (!model) {
    const defaults = platform.declarations.extension<{ defaults?: ContainerDefaults }>(CONTAINER_DEFAULTS, () => ({})).defaults;
    model = new PlatformModel(platform.apps.flatMap(appObjects), platform.capacity?.nodes ?? 1, defaults);
    MODELS.set(platform, model);
  }
  return model;
}
