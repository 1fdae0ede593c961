import type { MetricKey } from '../../shared/config/metrics.js';
import type { DimensionsOf, Metrics } from '../../shared/ports/metrics.js';

/** Counts per metric and dimension set, as a dashboard would sum them. */
export class FakeMetrics implements Metrics {
  readonly emitted: { metric: MetricKey; dimensions: Record<string, string>; value: number }[] = [];

  count<K extends MetricKey>(metric: K, dimensions: DimensionsOf<K>, value = 1): void {
    this.emitted.push({ metric, dimensions: { ...(dimensions as Record<string, string>) }, value });
  }

  /** The sum of `metric` over the emits whose dimensions include `where`. */
  total(metric: MetricKey, where: Record<string, string> = {}): number {
    return this.emitted
      .filter((e) => e.metric === metric && Object.entries(where).every(([k, v]) => e.dimensions[k] === v))
      .reduce((sum, e) => sum + e.value, 0);
  }
}
