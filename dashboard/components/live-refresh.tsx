'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';

/** Re-fetches the server components of the page every `intervalMs` while the tab is visible. */
export function LiveRefresh({ intervalMs }: { intervalMs: number }) {
  const router = useRouter();
  const [live, setLive] = useState(true);
  const [pending, startTransition] = useTransition();
  const [last, setLast] = useState<string>('');

  useEffect(() => {
    if (!live) return;
    const tick = () => {
      if (document.visibilityState !== 'visible') return;
      startTransition(() => router.refresh());
      setLast(new Date().toISOString().slice(11, 19));
    };
    const timer = window.setInterval(tick, intervalMs);
    return () => window.clearInterval(timer);
  }, [live, intervalMs, router]);

  return (
    <div className="live">
      <span className={`live-dot${live ? ' on' : ''}${pending ? ' pending' : ''}`} aria-hidden />
      <span className="live-text">
        {live ? `Live · every ${Math.round(intervalMs / 1000)} s` : 'Paused'}
        {last !== '' && live ? ` · ${last} UTC` : ''}
      </span>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => setLive((v) => !v)}
        aria-pressed={!live}
      >
        {live ? 'Pause' : 'Resume'}
      </button>
    </div>
  );
}
