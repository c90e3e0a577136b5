import { ApiObject } from 'cdk8s';
import type { AppChart } from '../platform/app-chart';
import { Platform } from '../platform/platform';
import type { Manifest } from '../synth/render';
import { PlatformModel } from './model';

const MODELS = new WeakMap<Platform, PlatformModel>();

/** The rendered objects of an app chart, each with the file it will be written to. */
export function appObjects(chart: AppChart): { file: string; manifest: Manifest }[] {
  return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map(o => {
    const manifest = o.toJson() as Manifest;
    return { file: `${chart.outputDir}/${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`, manifest };
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
    model = new PlatformModel(platform.apps.flatMap(appObjects), platform.capacity?.nodes ?? 1);
    MODELS.set(platform, model);
  }
  return model;
}
