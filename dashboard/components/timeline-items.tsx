import { formatDuration, formatTime } from '@/lib/format';
import { MIN_W, PAD, ROW_H, type TimelineLayerProps } from '@/lib/timeline-layout';

/** Bar colours by status (also the legend's). */
export const COLORS: Record<string, string> = {
  running: '#1f5fbf',
  waiting: '#8e6bbf',
  completed: '#2e7d32',
  failed: '#c62828',
  abandoned: '#78909c',
};

/** The outline of what is on the critical path (bars, message arrows; also the legend's). */
export const CRITICAL = '#111111';

/**
 * The step bars (open-ended while in flight, ▸) and the hatched waits (deadline as a red
 * line) of every lane, in the rows the layout packed them into.
 */
export function TimelineItems({ timeline, layout }: TimelineLayerProps) {
  const { x } = layout;
  return (
    <>
      {layout.lanes.flatMap(({ items, top }) =>
        items.map((it) => {
          const ry = top + PAD + it.row * ROW_H;
          const w = Math.max(it.end - it.start - 2, MIN_W);
          if (it.kind === 'wait') {
            const wt = timeline.waits[it.index]!;
            return (
              <g key={`w${it.index}`}>
                <title>
                  {`wait in ${wt.step}${wt.for ? ` for ${wt.for}` : ''}: ${formatTime(wt.start)} → ${wt.end ? formatTime(wt.end) : 'still waiting'}${wt.deadline ? `, deadline ${formatTime(wt.deadline)}` : ''}`}
                </title>
                <rect
                  x={it.start}
                  y={ry + 3}
                  width={w}
                  height={ROW_H - 6}
                  fill="url(#wait-hatch)"
                  stroke="#8e6bbf"
                  strokeDasharray={wt.end ? undefined : '4 2'}
                  rx={3}
                />
                {w > 70 && (
                  <text x={it.start + 5} y={ry + ROW_H / 2 + 4} fontSize={11} fill="#3d2466">
                    {`waits${wt.for ? ` for ${wt.for}` : ''}`}
                  </text>
                )}
                {wt.deadline && (
                  <line
                    x1={x(wt.deadline)}
                    x2={x(wt.deadline)}
                    y1={ry}
                    y2={ry + ROW_H}
                    stroke="#c62828"
                    strokeWidth={2}
                  />
                )}
              </g>
            );
          }
          const b = timeline.bars[it.index]!;
          const label = `${b.step}${b.owner ? ` · ${b.owner}` : ''}${b.attempt > 1 ? ` #${b.attempt}` : ''}`;
          return (
            <g
              key={`b${it.index}`}
              data-step={b.step}
              data-critical={b.critical ? 'true' : undefined}
            >
              <title>
                {`${b.step} (${b.status}${b.open ? ', in flight' : ''}) ${formatTime(b.start)} → ${b.end ? formatTime(b.end) : 'now'}${b.end ? `, ${formatDuration(Date.parse(b.end) - Date.parse(b.start))}` : ''}${b.owner ? `, owner ${b.owner}` : ''}${b.critical ? '; on the critical path' : ''}`}
              </title>
              <rect
                x={it.start}
                y={ry + 2}
                width={w}
                height={ROW_H - 4}
                rx={3}
                fill={COLORS[b.status] ?? '#607d8b'}
                {...(b.critical ? { stroke: CRITICAL, strokeWidth: 2 } : {})}
              />
              {b.open && (
                <rect
                  x={it.start}
                  y={ry + 2}
                  width={w}
                  height={ROW_H - 4}
                  rx={3}
                  fill="url(#open-fade)"
                />
              )}
              <text
                x={it.start + 5}
                y={ry + ROW_H / 2 + 4}
                fontSize={11}
                fill="#fff"
                style={{ pointerEvents: 'none' }}
              >
                {w > label.length * 6.2
                  ? label
                  : w > 40
                    ? `${b.step.slice(0, Math.floor(w / 7))}…`
                    : ''}
              </text>
              {b.open && (
                <text
                  x={it.start + w + 2}
                  y={ry + ROW_H / 2 + 4}
                  fontSize={12}
                  fill={COLORS[b.status]}
                >
                  ▸
                </text>
              )}
            </g>
          );
        }),
      )}
    </>
  );
}
