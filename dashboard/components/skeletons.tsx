/** Fixed-size placeholders: the page does not jump when the data arrives. */
export function TableSkeleton({ rows = 8, label = 'Loading…' }: { rows?: number; label?: string }) {
  return (
    <div className="skeleton-table" aria-busy="true" aria-label={label} role="status">
      <div className="skeleton skeleton-row skeleton-head" />
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton skeleton-row" />
      ))}
    </div>
  );
}

export function BlockSkeleton({ height, label = 'Loading…' }: { height: number; label?: string }) {
  return (
    <div
      className="skeleton"
      style={{ height }}
      aria-busy="true"
      aria-label={label}
      role="status"
    />
  );
}
