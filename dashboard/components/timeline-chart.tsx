import Link from 'next/link';
import { formatDuration, formatTime, instanceHref } from '@/lib/format';
import type { Timeline } from '@/lib/types';

/**
 * The end-to-end timeline as SVG, rendered on the server: a swimlane per system, step
 * bars (open-ended while in flight), waits, idle gaps, messages as arrows between lanes
 * and alert markers. All geometry comes from the collector's timeline; this only scales.
 */
const LABEL_W = 150;
const PLOT_W = 1000;
const ROW_H = 24;
const PAD = 10;
const AXIS_H = 26;

const COLORS: Record<string, string> = {
  running: '#1f5fbf',
  waiting: '#8e6bbf',
  completed: '#2e7d32',
  failed: '#c62828',
  abandoned: '#78909c',
};

interface Item {
  kind: 'bar' | 'wait';
  start: number;
  end: number;
  row: number;
  index: number;
}

function pack(items: Omit<Item, 'row'>[]): Item[] {
  const rowsEnd: number[] = [];
  return items
    .slice()
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((it) => {
      let row = rowsEnd.findIndex((end) => end <= it.start);
      if (row === -1) {
        row = rowsEnd.length;
        rowsEnd.push(it.end);
      } else rowsEnd[row] = it.end;
      return { ...it, row };
    });
}

export function TimelineChart({ timeline, asOf }: { timeline: Timeline; asOf?: string }) {
  const t0 = Date.parse(timeline.start);
  const t1 = Math.max(Date.parse(timeline.end), t0 + 1000);
  const x = (iso: string) => LABEL_W + ((Date.parse(iso) - t0) / (t1 - t0)) * PLOT_W;
  const endIso = new Date(t1).toISOString();
  const minW = 3;

  let y = AXIS_H;
  const lanes = timeline.lanes.map((lane) => {
    const items = pack([
      ...timeline.bars.flatMap((b, index) =>
        b.lane === lane.system
          ? [
              {
                kind: 'bar' as const,
                index,
                start: x(b.start),
                end: Math.max(x(b.end ?? endIso), x(b.start) + minW) + 2,
              },
            ]
          : [],
      ),
      ...timeline.waits.flatMap((w, index) =>
        w.lane === lane.system
          ? [
              {
                kind: 'wait' as const,
                index,
                start: x(w.start),
                end: Math.max(x(w.end ?? endIso), x(w.start) + minW) + 2,
              },
            ]
          : [],
      ),
    ]);
    const rows = Math.max(1, ...items.map((i) => i.row + 1));
    const top = y;
    const height = rows * ROW_H + 2 * PAD;
    y += height;
    return { lane, items, top, height, mid: top + height / 2 };
  });
  const laneOf = new Map(lanes.map((l) => [l.lane.system, l]));
  const totalH = y + 4;
  const ticks = Array.from({ length: 6 }, (_, i) => t0 + ((t1 - t0) * i) / 5);

  return (
    <div className="timeline-wrap">
      <svg
        className="timeline-svg"
        viewBox={`0 0 ${LABEL_W + PLOT_W + 10} ${totalH}`}
        role="img"
        aria-label={`Timeline across ${timeline.lanes.length} systems: ${timeline.lanes.map((l) => l.system).join(', ')}`}
      >
        <defs>
          <marker
            id="arrowhead"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#d35400" />
          </marker>
          <pattern
            id="wait-hatch"
            width="6"
            height="6"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" fill="#efe7fa" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#8e6bbf" strokeWidth="2" />
          </pattern>
          <linearGradient id="open-fade" x1="0" x2="1" y1="0" y2="0">
            <stop offset="0.7" stopColor="#fff" stopOpacity="0" />
            <stop offset="1" stopColor="#fff" stopOpacity="0.75" />
          </linearGradient>
        </defs>
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
        {lanes.map(({ lane, top, height }, i) => (
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
        {lanes.flatMap(({ items, top }) =>
          items.map((it) => {
            const ry = top + PAD + it.row * ROW_H;
            const w = Math.max(it.end - it.start - 2, minW);
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
              <g key={`b${it.index}`} data-step={b.step}>
                <title>
                  {`${b.step} (${b.status}${b.open ? ', in flight' : ''}) ${formatTime(b.start)} → ${b.end ? formatTime(b.end) : 'now'}${b.end ? `, ${formatDuration(Date.parse(b.end) - Date.parse(b.start))}` : ''}${b.owner ? `, owner ${b.owner}` : ''}`}
                </title>
                <rect
                  x={it.start}
                  y={ry + 2}
                  width={w}
                  height={ROW_H - 4}
                  rx={3}
                  fill={COLORS[b.status] ?? '#607d8b'}
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
                <title>{`message ${a.messageId}: ${a.from.lane} → ${a.to.lane}, sent ${formatTime(a.from.time)}, received ${formatTime(a.to.time)}`}</title>
                <line
                  x1={x(a.from.time)}
                  y1={y1}
                  x2={Math.max(x(a.to.time), x(a.from.time) + 1)}
                  y2={y2}
                  stroke="#d35400"
                  strokeWidth={2}
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
      <div className="legend" aria-hidden="true">
        <span>
          <i style={{ background: COLORS.completed }} />
          completed
        </span>
        <span>
          <i style={{ background: COLORS.running }} />
          running (▸ in flight)
        </span>
        <span>
          <i style={{ background: COLORS.failed }} />
          failed
        </span>
        <span>
          <i style={{ background: 'url(#wait-hatch)', border: '1px solid #8e6bbf' }} />
          wait
        </span>
        <span>
          <i style={{ background: '#d35400', height: 3 }} />
          message
        </span>
        <span>
          <i style={{ background: '#c62828', transform: 'rotate(45deg)', width: 9, height: 9 }} />
          alert
        </span>
        <span>
          <i style={{ borderTop: '2px dashed #b0bec5', height: 0 }} />
          idle gap
        </span>
      </div>
      <h3 style={{ marginTop: 12 }}>Lanes</h3>
      <ul>
        {timeline.lanes.map((l) => (
          <li key={l.system}>
            <strong>{l.system}</strong>:{' '}
            {l.instances.map((k, i) => (
              <span key={k}>
                {i > 0 ? ', ' : ''}
                {k === timeline.rootKey ? (
                  <strong>{k} (this instance)</strong>
                ) : (
                  <Link href={instanceHref(k)}>{k}</Link>
                )}
              </span>
            ))}
          </li>
        ))}
      </ul>
      {timeline.links.length > 0 && (
        <>
          <h3>Parent and child instances</h3>
          <ul>
            {timeline.links.map((l) => (
              <li key={`${l.parent}>${l.child}`}>
                <Link href={instanceHref(l.parent)}>{l.parent}</Link> →{' '}
                <Link href={instanceHref(l.child)}>{l.child}</Link>
                {l.expectationId ? (
                  <span className="muted"> (expectation {l.expectationId})</span>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
