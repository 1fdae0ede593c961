import type { MetricKey } from '../../shared/config/metrics.js';
import { seriesOf, type DimensionsOf, type Metrics, type MetricSeries } from '../../shared/ports/metrics.js';

/**
 * The metrics port for the local runtime and tests: keeps the counts CloudWatch would hold, per
 * metric and dimension set (the full set and each rollup, as EMF publishes them), served at
 * GET /local/metrics.
 */
export class CountingMetrics implements Metrics {
  private readonly counts = new Map<string, MetricSeries & { value: number }>();

  count<K extends MetricKey>(metric: K, dimensions: DimensionsOf<K>, value = 1): void {
    for (const series of seriesOf(metric, dimensions)) {
      const key = `${series.name}|${JSON.stringify(Object.entries(series.dimensions).sort())}`;
      const entry = this.counts.get(key) ?? { ...series, value: 0 };
      entry.value += value;
      this.counts.set(key, entry);
    }
  }

  /** The sum of a metric over the series with exactly these dimensions (0 if none). */
  valueOf(name: string, dimensions: Record<string, string> = {}): number {
    const key = `${name}|${JSON.stringify(Object.entries(dimensions).sort())}`;
    return this.counts.get(key)?.value ?? 0;
  }

  snapshot(): (MetricSeries & { value: number })[] {
    return [...this.counts.values()].map((s) => ({ ...s, dimensions: { ...s.dimensions } }));
  }
}
