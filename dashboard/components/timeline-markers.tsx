import { formatTime } from '@/lib/format';
import type { TimelineLayerProps } from '@/lib/timeline-layout';

/** Alert markers (finding red, action amber, resolved green) at the top of their lane. */
export function TimelineMarkers({ timeline, layout }: TimelineLayerProps) {
  const { x, laneOf } = layout;
  return (
    <>
      {timeline.markers.map((m, i) => {
        const l = laneOf.get(m.lane);
        if (!l) return null;
        const mx = x(m.time);
        const fill =
          m.kind === 'finding' ? '#c62828' : m.kind === 'alert-resolved' ? '#2e7d32' : '#f9a825';
        return (
          <g key={`m${i}`} data-marker={m.kind}>
            <title>{`${m.kind} ${formatTime(m.time)}: ${m.summary}`}</title>
            <path d={`M ${mx} ${l.top + 2} l 6 8 l -6 8 l -6 -8 z`} fill={fill} stroke="#fff" />
          </g>
        );
      })}
    </>
  );
}
