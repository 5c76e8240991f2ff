'use client';
import Link from 'next/link';
import { useEffect } from 'react';

/** The error state of a route: what failed, a retry button, a way back. */
export function RouteError({
  title,
  error,
  reset,
}: {
  title: string;
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="panel error-panel" role="alert">
      <h1>{title}</h1>
      <p>
        {error.message && !error.message.includes('Server Components render')
          ? error.message
          : 'The collector API could not answer this page. Check that the collector is running and FLOWTRAIL_API_URL points at it.'}
      </p>
      {error.digest && <p className="muted">Error id: {error.digest}</p>}
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => reset()}>
          Try again
        </button>
        <Link href="/" className="btn btn-secondary">
          Back to search
        </Link>
      </div>
    </div>
  );
}
