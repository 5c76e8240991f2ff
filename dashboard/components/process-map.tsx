/**
 * The process map as SVG, rendered on the server: steps as rounded boxes (a link each to
 * the instances in that step), directly-follows edges with arrowheads and their count and
 * median/p95 transition time, start and end markers. Geometry and colours come from
 * lib/process-map-layout.ts; this only draws them.
 */
import { searchHref } from '@/lib/format';
import { SLA_STROKE, type ColourBy } from '@/lib/process-map-colour';
import { TERMINAL_R, type MapNode, type ProcessMapLayout } from '@/lib/process-map-layout';

const ARROW = '#5b6470';

function Node({ node, process }: { node: MapNode; process: string }) {
  const cx = node.x + node.width / 2;
  return (
    <a href={searchHref({ process, step: node.step })} aria-label={node.ariaLabel}>
      <g className="map-node" data-step={node.step} data-sla={node.sla}>
        <title>{node.ariaLabel}</title>
        <rect
          x={node.x}
          y={node.y}
          width={node.width}
          height={node.height}
          rx={8}
          fill={node.fill}
          stroke={node.sla === undefined ? '#8a949e' : SLA_STROKE[node.sla]}
          strokeWidth={node.sla === undefined ? 1 : 3}
        />
        {/* The spaces between the lines keep the words apart in the link's visible text. */}
        <text x={cx} y={node.y + 19} fill={node.text} className="map-node-title">
          {node.title}
        </text>{' '}
        <text x={cx} y={node.y + 36} fill={node.text} className="map-node-detail">
          {node.detail}
        </text>
        {node.deadlineText !== undefined && (
          <>
            {' '}
            <text x={cx} y={node.y + 51} fill={node.text} className="map-node-detail">
              {node.deadlineText}
            </text>
          </>
        )}
      </g>
    </a>
  );
}

export function ProcessMap({
  process,
  layout,
  colourBy,
  paths,
}: {
  process: string;
  layout: ProcessMapLayout;
  colourBy: ColourBy;
  paths: number;
}) {
  const { width, height } = layout;
  return (
    <div className="process-map-wrap">
      <svg
        className="process-map-svg"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="group"
        aria-label={`Process map of ${process}: ${layout.nodes.length} steps, ${layout.edges.length} paths`}
        data-colour-by={colourBy}
        data-paths={paths}
      >
        <defs>
          <marker
            id="map-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="9"
            markerHeight="9"
            markerUnits="userSpaceOnUse"
            orient="auto"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill={ARROW} />
          </marker>
        </defs>
        <g aria-hidden="true">
          {layout.terminals.map((t) => (
            <path
              key={`${t.kind}-${t.step}`}
              d={t.d}
              className="map-terminal-edge"
              data-terminal={t.kind}
              markerEnd="url(#map-arrow)"
            />
          ))}
          {layout.start && (
            <circle cx={layout.start.x} cy={layout.start.y} r={TERMINAL_R} className="map-start" />
          )}
          {layout.end && (
            <rect
              x={layout.end.x - TERMINAL_R}
              y={layout.end.y - TERMINAL_R}
              width={2 * TERMINAL_R}
              height={2 * TERMINAL_R}
              className="map-end"
            />
          )}
          {layout.edges.map((e) => (
            <g key={`${e.from}→${e.to}`} data-edge={`${e.from}→${e.to}`} data-count={e.count}>
              <path
                d={e.d}
                fill="none"
                stroke={e.stroke}
                strokeWidth={e.strokeWidth}
                markerEnd="url(#map-arrow)"
              />
              {/* The count above the line, the durations below it: dagre leaves the
                  label's box free around the line's middle. */}
              <text x={e.label.x} y={e.label.y - 6} className="map-edge-label map-edge-count">
                {e.countText}
              </text>
              {e.durationText !== '' && (
                <text x={e.label.x} y={e.label.y + 14} className="map-edge-label">
                  {e.durationText}
                </text>
              )}
            </g>
          ))}
        </g>
        {layout.nodes.map((n) => (
          <Node key={n.step} node={n} process={process} />
        ))}
      </svg>
    </div>
  );
}
