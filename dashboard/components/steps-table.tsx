import { StatusBadge } from '@/components/status-badge';
import { formatDuration, formatTime } from '@/lib/format';
import type { InstanceState } from '@/lib/types';

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
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col">Owner</th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col">Deadline</th>
            </tr>
          </thead>
          <tbody>
            {state.steps.map((st) => (
              <tr key={st.name}>
                <td>
                  {st.name}
                  {st.attempts > 1 ? <span className="muted"> ×{st.attempts}</span> : null}
                </td>
                <td>
                  <StatusBadge status={st.status} />
                  {st.waitingFor ? <div className="muted">for {st.waitingFor}</div> : null}
                </td>
                <td>{st.owner ?? '—'}</td>
                <td>{formatTime(st.startedAt)}</td>
                <td>{formatTime(st.endedAt)}</td>
                <td className="num">{formatDuration(st.durationMs)}</td>
                <td>{formatTime(st.deadline)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
