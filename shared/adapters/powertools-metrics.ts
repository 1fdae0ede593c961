import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, METRICS_NAMESPACE, METRICS_SERVICE, type MetricKey } from '../config/metrics.js';
import { seriesOf, type DimensionsOf, type Metrics } from '../ports/metrics.js';

/**
 * The metrics port over Powertools Metrics (CloudWatch EMF). Counts are added up during the
 * invocation and written when Powertools' `logMetrics` middleware calls `publishStoredMetrics` at
 * its end: one EMF line per metric and dimension values (EMF gives every metric of a line the same
 * dimensions, so differently dimensioned counts cannot share one), each also published under the
 * metric's rollups as further dimension sets. An invocation that counted nothing writes nothing.
 */
export class EmfMetrics extends PowertoolsMetrics implements Metrics {
  private readonly pending = new Map<string, { metric: MetricKey; dimensions: Record<string, string>; value: number }>();

  constructor() {
    super({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  }

  count<K extends MetricKey>(metric: K, dimensions: DimensionsOf<K>, value = 1): void {
    const dims = dimensions as Record<string, string>;
    const key = `${metric}|${JSON.stringify(Object.entries(dims).sort())}`;
    const entry = this.pending.get(key) ?? { metric, dimensions: dims, value: 0 };
    entry.value += value;
    this.pending.set(key, entry);
  }

  override publishStoredMetrics(): this {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { metric, dimensions, value } of pending) {
      const single = this.singleMetric();
      for (const series of seriesOf(metric, dimensions as DimensionsOf<typeof metric>)) single.addDimensions(series.dimensions as Record<string, string>);
      // A single metric is written as soon as it is added.
      single.addMetric(METRICS[metric].name, MetricUnit.Count, value);
    }
    // Powertools warns on every flush without stored metrics; ours are written above.
    if (this.hasStoredMetrics()) super.publishStoredMetrics();
    return this;
  }
}
