import { METRICS, type DimensionKey, type MetricKey } from '../config/metrics.js';

/** The dimension values one emit of `K` must name (its full dimension set, shared/config/metrics.ts). */
export type DimensionsOf<K extends MetricKey> = Record<(typeof METRICS)[K]['dimensions'][number], string>;

/** Counting what happens, for dashboards and alarms (Powertools EMF in AWS, kept counts locally). */
export interface Metrics {
  count<K extends MetricKey>(metric: K, dimensions: DimensionsOf<K>, value?: number): void;
}

/** One stored series: a metric and one of its dimension sets (the full one or a rollup) with values. */
export interface MetricSeries {
  name: string;
  dimensions: Partial<Record<DimensionKey, string>>;
}

/** Every series an emit is published under: the full dimension set and each rollup. */
export function seriesOf<K extends MetricKey>(metric: K, dimensions: DimensionsOf<K>): MetricSeries[] {
  const spec = METRICS[metric];
  const pick = (keys: readonly DimensionKey[]) =>
    Object.fromEntries(keys.map((k) => [k, (dimensions as Record<string, string>)[k] ?? ''])) as Partial<Record<DimensionKey, string>>;
  return [spec.dimensions, ...spec.rollups].map((keys) => ({ name: spec.name, dimensions: pick(keys) }));
}
