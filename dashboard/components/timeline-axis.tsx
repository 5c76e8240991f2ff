import { AXIS_H, LABEL_W, PLOT_W, type TimelineLayout } from '@/lib/timeline-layout';

/** The time axis: six ticks (UTC time of day) with grid lines down the whole chart. */
export function TimelineAxis({ layout }: { layout: TimelineLayout }) {
  const { t0, t1, ticks, totalH } = layout;
  return (
    <>
      {ticks.map((t, i) => {
        const tx = LABEL_W + ((t - t0) / (t1 - t0)) * PLOT_W;
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
              {new Date(t).toISOString().slice(11, 19)}
            </text>
          </g>
        );
      })}
    </>
  );
}
