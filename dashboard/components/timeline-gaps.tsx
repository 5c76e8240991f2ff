import { formatDuration } from '@/lib/format';
import type { TimelineLayerProps } from '@/lib/timeline-layout';

/** Idle gaps as dashed lines along the bottom of their lane. */
export function TimelineGaps({ timeline, layout }: TimelineLayerProps) {
  const { x, laneOf } = layout;
  return (
    <>
      {timeline.gaps.map((g, i) => {
        const lane = laneOf.get(g.lane);
        if (!lane) return null;
        const gy = lane.top + lane.height - 4;
        return (
          <g key={`gap${i}`}>
            <title>{`idle ${formatDuration(Date.parse(g.end) - Date.parse(g.start))}`}</title>
            <line
              x1={x(g.start)}
              x2={x(g.end)}
              y1={gy}
              y2={gy}
              stroke="#b0bec5"
              strokeWidth={2}
              strokeDasharray="2 3"
            />
          </g>
        );
      })}
    </>
  );
}
