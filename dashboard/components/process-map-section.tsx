/**
 * The process map's section, shared by the heat-map page and the map's own view: reads
 * the graph, the steps' durations (the heat map's bottlenecks) and the definition's
 * deadlines, then draws the colour switch, the paths slider, the map, its legend and —
 * the same answer as a table — the process graph table.
 */
import Link from 'next/link';
import { ErrorPanel } from '@/components/error-panel';
import { PathsSlider } from '@/components/paths-slider';
import { ProcessGraphTable } from '@/components/process-graph-table';
import { ProcessMap } from '@/components/process-map';
import { attempt, getDefinition, getHeatmap, getProcessGraph } from '@/lib/api';
import { hrefWith } from '@/lib/format';
import { stepDeadlines } from '@/lib/heatmap-metric';
import { COLOUR_BY, scaleColour, SLA_STROKE, type ColourBy } from '@/lib/process-map-colour';
import { layoutProcessMap } from '@/lib/process-map-layout';
import { pathsThreshold } from '@/lib/process-map-paths';

export async function ProcessMapSection({
  process,
  colourBy,
  paths,
  path,
  keep = {},
}: {
  process: string;
  colourBy: ColourBy;
  paths: number;
  /** The page's path: the switch and the slider keep the reader on it. */
  path: string;
  /** The page's other URL parameters, kept by the switch and the slider. */
  keep?: Record<string, string>;
}) {
  const [graph, heatmap, definition] = await Promise.all([
    attempt(getProcessGraph(process)),
    attempt(getHeatmap(process, 'hour')),
    attempt(getDefinition(process)),
  ]);
  if (!graph.ok) return <ErrorPanel title="Process map could not be loaded" error={graph.error} />;
  // Without the heat map the map still draws, only without step durations.
  const stats = new Map(
    (heatmap.ok ? heatmap.value.bottlenecks : []).map((b) => [
      b.step,
      {
        ...(b.medianMs === undefined ? {} : { medianMs: b.medianMs }),
        ...(b.p95Ms === undefined ? {} : { p95Ms: b.p95Ms }),
      },
    ]),
  );
  const deadlines = stepDeadlines(definition.ok ? definition.value : null, 'median');
  const layout = layoutProcessMap(graph.value, { colourBy, paths, deadlines, stats });
  const min = Math.ceil(pathsThreshold(graph.value, paths));
  return (
    <>
      <section className="panel" aria-labelledby="map-title">
        <h2 id="map-title">Process map (discovered from {graph.value.instances} instances)</h2>
        <div className="map-controls">
          <nav className="tabs" aria-label="Colour the map by">
            {COLOUR_BY.map((c) => (
              <Link
                key={c.value}
                href={hrefWith(path, { ...keep, colour: c.value, paths: String(paths) })}
                aria-current={c.value === colourBy ? 'true' : undefined}
                scroll={false}
              >
                {c.label}
              </Link>
            ))}
          </nav>
          <PathsSlider key={paths} paths={paths} keep={{ ...keep, colour: colourBy }} />
        </div>
        {layout.nodes.length === 0 ? (
          <p>No steps recorded yet.</p>
        ) : (
          <figure className="process-map" aria-labelledby="map-caption">
            <ProcessMap process={process} layout={layout} colourBy={colourBy} paths={paths} />
            <figcaption id="map-caption" className="muted map-legend">
              <span>
                <span
                  className="map-key"
                  style={{
                    background: `linear-gradient(90deg, ${scaleColour(0, colourBy)}, ${scaleColour(1, colourBy)})`,
                  }}
                />{' '}
                {colourBy === 'frequency'
                  ? 'darker = more attempts (steps) or transitions (paths)'
                  : 'darker = longer median step duration or transition time'}
                ; line width = transitions.
              </span>
              {deadlines.size > 0 && (
                <span>
                  Outline against the step&apos;s deadline:{' '}
                  <span className="map-sla" style={{ borderColor: SLA_STROKE.ok }}>
                    median under 50 %
                  </span>{' '}
                  <span className="map-sla" style={{ borderColor: SLA_STROKE.near }}>
                    under 100 % or p95 over
                  </span>{' '}
                  <span className="map-sla" style={{ borderColor: SLA_STROKE.over }}>
                    median over
                  </span>
                </span>
              )}
              <span>
                {layout.hiddenEdges === 0
                  ? 'Every path is shown.'
                  : `${layout.hiddenEdges} path${layout.hiddenEdges === 1 ? '' : 's'} with fewer than ${min} transitions hidden${layout.hiddenNodes === 0 ? '' : `, and ${layout.hiddenNodes} step${layout.hiddenNodes === 1 ? '' : 's'} only they reach`}.`}{' '}
                Select a step to list its instances.
              </span>
            </figcaption>
          </figure>
        )}
      </section>
      <ProcessGraphTable graph={graph.value} />
    </>
  );
}
