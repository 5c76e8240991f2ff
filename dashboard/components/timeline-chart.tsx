import { TimelineArrows } from '@/components/timeline-arrows';
import { TimelineAxis } from '@/components/timeline-axis';
import { TimelineGaps } from '@/components/timeline-gaps';
import { TimelineItems } from '@/components/timeline-items';
import { TimelineLaneBands } from '@/components/timeline-lane-bands';
import { TimelineLaneList } from '@/components/timeline-lane-list';
import { TimelineLegend } from '@/components/timeline-legend';
import { TimelineMarkers } from '@/components/timeline-markers';
import { TimelineSvgDefs } from '@/components/timeline-svg-defs';
import { AXIS_H, LABEL_W, layoutTimeline, PLOT_W } from '@/lib/timeline-layout';
import type { Timeline } from '@/lib/types';

/**
 * The end-to-end timeline as SVG, rendered on the server: a swimlane per system, step
 * bars (open-ended while in flight), waits, idle gaps, messages as arrows between lanes
 * and alert markers. All geometry comes from the collector's timeline; this only scales
 * (lib/timeline-layout.ts).
 */
export function TimelineChart({ timeline, asOf }: { timeline: Timeline; asOf?: string }) {
  const layout = layoutTimeline(timeline);
  const { t0, t1, x, totalH } = layout;

  return (
    <div className="timeline-wrap">
      <svg
        className="timeline-svg"
        viewBox={`0 0 ${LABEL_W + PLOT_W + 10} ${totalH}`}
        role="img"
        aria-label={`Timeline across ${timeline.lanes.length} systems: ${timeline.lanes.map((l) => l.system).join(', ')}`}
      >
        <TimelineSvgDefs />
        <TimelineAxis layout={layout} />
        <TimelineLaneBands layout={layout} />
        <TimelineItems timeline={timeline} layout={layout} />
        <TimelineGaps timeline={timeline} layout={layout} />
        <TimelineArrows timeline={timeline} layout={layout} />
        <TimelineMarkers timeline={timeline} layout={layout} />
        {asOf && Date.parse(asOf) >= t0 && Date.parse(asOf) <= t1 && (
          <line
            x1={x(asOf)}
            x2={x(asOf)}
            y1={AXIS_H - 6}
            y2={totalH}
            stroke="#f9a825"
            strokeWidth={2}
          />
        )}
      </svg>
      <TimelineLegend />
      <TimelineLaneList timeline={timeline} />
    </div>
  );
}
