import { PLATFORM_CHARTS, PLATFORM_SETTINGS, buildPlatform } from '../../charts/platform';
import { Platform, PlatformSettings } from '../../lib/platform/platform';
import { addSampleApp } from './sample-app';
import { addUpstreamApps } from './upstream-apps';

/**
 * The platforms every invariant suite runs over: the one charts/platform.ts builds, and the same
 * with the sample app added, so that a suite that pins today's apps instead of following the
 * platform fails here before it fails a fork that adds an app. The second also holds an app from a
 * Helm chart (the demo fixture chart, rendered by the real Helm) and one from plain YAML.
 */
export const PLATFORMS: [label: string, build: (settings?: PlatformSettings) => Platform][] = [
  ['the platform', settings => buildPlatform(settings)],
  ['the platform with a sample app', (settings = PLATFORM_SETTINGS) => buildPlatform(settings, [...PLATFORM_CHARTS, addSampleApp(), addUpstreamApps()])],
];
