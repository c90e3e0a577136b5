import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';

/** A chart whose objects land in one folder of the repository, one file per object. */
export abstract class PlatformChart extends Chart {
  /** Repository-relative folder the chart's files are written to, e.g. `dist/apps/blog`. */
  public abstract readonly outputDir: string;
  /** How the header comment of each file names the chart. */
  public abstract readonly description: string;

  protected constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
  }

  /** Chart overrides `instanceof` to match every chart, so subclasses are recognised by a flag. */
  public static isPlatformChart(x: unknown): x is PlatformChart {
    return typeof x === 'object' && x !== null && typeof (x as PlatformChart).outputDir === 'string';
  }
}
