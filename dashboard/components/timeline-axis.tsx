import { formatDuration } from '@/lib/format';
import { AXIS_H, type TimelineLayout } from '@/lib/timeline-layout';
import { COLLAPSED_W } from '@/lib/timeline-scale';

/**
 * The time axis: six ticks (UTC time of day; with the date when the timeline spans more
 * than a day) with grid lines down the whole chart, and a break where a long idle
 * stretch is collapsed (labelled with its length).
 */
export function TimelineAxis({ layout }: { layout: TimelineLayout }) {
  const { t0, t1, ticks, totalH, collapsed } = layout;
  const days = t1 - t0 > 24 * 3600_000;
  return (
    <>
      {collapsed.map((g) => (
        <g key={`gap-${g.startMs}`} data-collapsed-ms={g.endMs - g.startMs}>
          <title>{`idle for ${formatDuration(g.endMs - g.startMs)} (collapsed)`}</title>
          <rect
            x={g.x0}
            y={AXIS_H - 4}
            width={COLLAPSED_W}
            height={totalH}
            fill="url(#wait-hatch)"
            opacity={0.35}
          />
          <text
            x={g.x0 + COLLAPSED_W / 2}
            y={AXIS_H - 8}
            fontSize={10}
            textAnchor="middle"
            fill="#5b6470"
          >
            ≈ {formatDuration(g.endMs - g.startMs)}
          </text>
        </g>
      ))}
      {ticks.map((t, i) => {
        const tx = layout.x(new Date(t).toISOString());
        return (
          <g key={t}>
            <line x1={tx} x2={tx} y1={AXIS_H - 4} y2={totalH} stroke="#e3e7ec" />
            <text
              x={tx}
              y={14}
              fontSize={11}
              textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
              fill="#5b6470"
            >
              {days
                ? new Date(t).toISOString().slice(5, 16).replace('T', ' ')
                : new Date(t).toISOString().slice(11, 19)}
            </text>
          </g>
        );
      })}
    </>
  );
}
