import { CRITICAL } from '@/components/timeline-items';
import { formatDuration, formatTime } from '@/lib/format';
import type { TimelineLayerProps } from '@/lib/timeline-layout';

/**
 * Messages as arrows from the sending lane to the receiving one; a message with one end
 * only (sent but never received, or received with the sending not in view) as a dashed
 * circle on its lane.
 */
export function TimelineArrows({ timeline, layout }: TimelineLayerProps) {
  const { x, laneOf } = layout;
  return (
    <>
      {timeline.arrows.map((a) => {
        if (a.from && a.to) {
          const f = laneOf.get(a.from.lane);
          const t = laneOf.get(a.to.lane);
          if (!f || !t) return null;
          const down = t.top >= f.top;
          const y1 = down ? f.top + f.height - 2 : f.top + 2;
          const y2 = down ? t.top + 2 : t.top + t.height - 2;
          return (
            <g key={a.messageId}>
              <title>
                {`message ${a.messageId}: ${a.from.lane} → ${a.to.lane}, sent ${formatTime(a.from.time)}, received ${formatTime(a.to.time)}` +
                  (a.transitMs === undefined
                    ? ''
                    : ` (${formatDuration(a.transitMs)} in transit)`) +
                  (a.resendFor === undefined
                    ? ''
                    : `; resent on Flowtrail's command ${a.resendFor}`)}
              </title>
              <line
                data-resent={a.resendFor === undefined ? undefined : 'true'}
                strokeDasharray={a.resendFor === undefined ? undefined : '6 3'}
                x1={x(a.from.time)}
                y1={y1}
                x2={Math.max(x(a.to.time), x(a.from.time) + 1)}
                y2={y2}
                stroke={a.critical ? CRITICAL : '#d35400'}
                strokeWidth={a.critical ? 3 : 2}
                markerEnd="url(#arrowhead)"
              />
            </g>
          );
        }
        const end = a.from ?? a.to;
        if (!end) return null;
        const l = laneOf.get(end.lane);
        if (!l) return null;
        return (
          <g key={a.messageId}>
            <title>
              {a.from
                ? `message ${a.messageId} to ${a.toSystem ?? '?'} sent but never received`
                : `message ${a.messageId} received, sending not in view`}
            </title>
            <circle
              cx={x(end.time)}
              cy={l.top + 6}
              r={5}
              fill="#fff"
              stroke="#d35400"
              strokeWidth={2}
              strokeDasharray="2 2"
            />
          </g>
        );
      })}
    </>
  );
}
