import type { ApiError } from '@/lib/api';

/** A section that could not be loaded: says what failed and why, never fakes data. */
export function ErrorPanel({ title, error }: { title: string; error: ApiError }) {
  return (
    <div className="panel error-panel" role="alert">
      <h3>{title}</h3>
      <p>{error.message}</p>
      {error.problems.length > 0 && (
        <ul>
          {error.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <p className="muted">
        Request: <code>{error.path}</code>
        {error.status > 0 ? ` → HTTP ${error.status}` : ''}
      </p>
    </div>
  );
}
