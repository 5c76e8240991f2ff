import { DataTable, type Column } from '@/components/data-table';
import { StatusBadge } from '@/components/status-badge';
import { formatDuration, formatTime } from '@/lib/format';
import type { InstanceState, StepState } from '@/lib/types';

const columns: Column<StepState>[] = [
  {
    header: 'Step',
    cell: (st) => (
      <>
        {st.name}
        {st.attempts > 1 ? <span className="muted"> ×{st.attempts}</span> : null}
      </>
    ),
  },
  {
    header: 'Status',
    cell: (st) => (
      <>
        <StatusBadge status={st.status} />
        {st.waitingFor ? <div className="muted">for {st.waitingFor}</div> : null}
      </>
    ),
  },
  { header: 'Owner', cell: (st) => st.owner ?? '—' },
  { header: 'Started', cell: (st) => formatTime(st.startedAt) },
  { header: 'Ended', cell: (st) => formatTime(st.endedAt) },
  { header: 'Duration', className: 'num', cell: (st) => formatDuration(st.durationMs) },
  { header: 'Deadline', cell: (st) => formatTime(st.deadline) },
];

/** An instance's steps (current or as of an instant): a status line and a table. */
export function StepsTable({ state }: { state: InstanceState }) {
  return (
    <>
      <p>
        Status <StatusBadge status={state.status} /> · {state.eventCount} events · current steps:{' '}
        {state.currentSteps.join(', ') || '—'}
        {state.waits.length > 0
          ? ` · waiting: ${state.waits.map((w) => `${w.step}${w.for ? ` for ${w.for}` : ''}`).join(', ')}`
          : ''}
      </p>
      <DataTable columns={columns} rows={state.steps} rowKey={(st) => st.name} />
    </>
  );
}
