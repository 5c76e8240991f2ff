import { formatDuration } from '@/lib/format';
import {
  deadlineBand,
  METRICS,
  metricOf,
  showMetric,
  type Metric,
  type StepDeadline,
} from '@/lib/heatmap-metric';
import type { Heatmap } from '@/lib/types';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const BAND_STYLE = {
  ok: { background: '#c8e6c9', color: '#1b1f24' },
  near: { background: '#ffe082', color: '#1b1f24' },
  over: { background: '#c62828', color: '#fff' },
} as const;

/**
 * The heat map as an ARIA table: a row per step, a cell per hour or weekday, coloured by
 * the metric (relative to the largest value) or, where the step has a deadline, by band.
 */
export function HeatmapGrid({
  process,
  dimension,
  metric,
  map,
  deadlines,
}: {
  process: string;
  dimension: 'hour' | 'weekday';
  metric: Metric;
  map: Heatmap;
  deadlines: Map<string, StepDeadline>;
}) {
  const byKey = new Map(map.cells.map((c) => [`${c.step}|${c.bucket}`, c]));
  const values = map.cells
    .map((c) => metricOf(c, metric))
    .filter((v): v is number => v !== undefined);
  const max = Math.max(1, ...values);
  const label = (b: number) =>
    dimension === 'hour' ? String(b).padStart(2, '0') : (WEEKDAYS[b] ?? String(b));
  return (
    <section className="panel" aria-labelledby="heat-title">
      <h2 id="heat-title">
        {METRICS.find((m) => m.value === metric)?.label} per step ×{' '}
        {dimension === 'hour' ? 'hour of day (UTC)' : 'weekday (UTC)'}
      </h2>
      {deadlines.size > 0 && (
        <p className="muted heat-legend">
          Against the step&apos;s deadline from the definition:{' '}
          <span className="heat-key heat-ok">under 50 %</span>{' '}
          <span className="heat-key heat-near">under 100 %</span>{' '}
          <span className="heat-key heat-over">at or over</span>
        </p>
      )}
      {map.steps.length === 0 ? (
        <p>No step attempts with a known start yet.</p>
      ) : (
        <div
          className="heat"
          role="table"
          aria-label={`Heat map of ${process}`}
          style={{
            gridTemplateColumns: `minmax(110px, 160px) repeat(${map.buckets.length}, minmax(30px, 1fr))`,
          }}
        >
          <div role="row" style={{ display: 'contents' }}>
            <div role="columnheader" className="heat-head">
              step
            </div>
            {map.buckets.map((b) => (
              <div key={b} role="columnheader" className="heat-head">
                {label(b)}
              </div>
            ))}
          </div>
          {map.steps.map((step) => {
            const deadline = deadlines.get(step);
            return (
              <div role="row" key={step} style={{ display: 'contents' }}>
                <div
                  role="rowheader"
                  className="heat-label"
                  title={deadline ? `${step} (deadline ${deadline.text})` : step}
                >
                  {step}
                  {deadline && <span className="heat-deadline"> ≤ {deadline.text}</span>}
                </div>
                {map.buckets.map((b) => {
                  const cell = byKey.get(`${step}|${b}`);
                  const v = cell === undefined ? undefined : metricOf(cell, metric);
                  const t = v === undefined ? 0 : v / max;
                  const band =
                    v === undefined || deadline === undefined
                      ? undefined
                      : deadlineBand(v, deadline.ms);
                  return (
                    <div
                      key={b}
                      role="cell"
                      className={band ? `heat-cell heat-${band}` : 'heat-cell'}
                      data-band={band}
                      title={`${step}, ${label(b)}: ${cell === undefined ? 'no attempts' : `${cell.count} attempts, median ${formatDuration(cell.medianMs)}, p95 ${formatDuration(cell.p95Ms)}, waiting ${formatDuration(cell.medianWaitingMs)}`}${deadline ? `, deadline ${deadline.text}` : ''}`}
                      style={
                        band
                          ? BAND_STYLE[band]
                          : {
                              background:
                                v === undefined
                                  ? '#f0f2f4'
                                  : `rgba(198, 40, 40, ${0.12 + 0.78 * t})`,
                              color: t > 0.55 ? '#fff' : '#1b1f24',
                            }
                      }
                    >
                      {showMetric(v, metric)}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
