import { LABEL_W, PLOT_W, type TimelineLayout } from '@/lib/timeline-layout';

/** A band per lane (system), striped, with the system's name and its instance count. */
export function TimelineLaneBands({ layout }: { layout: TimelineLayout }) {
  return (
    <>
      {layout.lanes.map(({ lane, top, height }, i) => (
        <g key={lane.system} data-lane={lane.system}>
          <rect
            x={0}
            y={top}
            width={LABEL_W + PLOT_W + 10}
            height={height}
            fill={i % 2 === 0 ? '#ffffff' : '#f7f9fb'}
            stroke="#d8dde3"
          />
          <text x={8} y={top + 18} fontSize={13} fontWeight={700} fill="#1b1f24">
            {lane.system}
          </text>
          <text x={8} y={top + 34} fontSize={10.5} fill="#5b6470">
            {lane.instances.length} instance{lane.instances.length === 1 ? '' : 's'}
          </text>
        </g>
      ))}
    </>
  );
}
