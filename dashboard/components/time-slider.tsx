'use client';
import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

/**
 * "State as of": a range over the instance's time span. Releasing the slider (pointer or
 * keyboard) puts `?asOf=` in the URL, which re-renders the state rebuilt from the events.
 */
export function TimeSlider({ min, max, value }: { min: number; max: number; value?: number }) {
  const router = useRouter();
  const pathname = usePathname();
  const [current, setCurrent] = useState(value ?? max);
  const [pending, startTransition] = useTransition();
  const step = Math.max(1000, Math.round((max - min) / 500 / 1000) * 1000);
  const commit = (ms: number) => {
    const asOf = new Date(ms).toISOString();
    startTransition(() =>
      router.replace(`${pathname}?asOf=${encodeURIComponent(asOf)}`, { scroll: false }),
    );
  };
  return (
    <div className="slider">
      <label htmlFor="as-of">
        State as of{' '}
        <strong>{new Date(current).toISOString().replace('T', ' ').slice(0, 19)} UTC</strong>
        {pending ? ' (loading…)' : ''}
      </label>
      <input
        id="as-of"
        type="range"
        min={min}
        max={max}
        step={step}
        value={current}
        onChange={(e) => setCurrent(Number(e.target.value))}
        onPointerUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
        onKeyUp={(e) => {
          if (
            [
              'ArrowLeft',
              'ArrowRight',
              'ArrowUp',
              'ArrowDown',
              'Home',
              'End',
              'PageUp',
              'PageDown',
            ].includes(e.key)
          ) {
            commit(Number((e.target as HTMLInputElement).value));
          }
        }}
      />
      <div className="slider-row">
        <span className="muted">{new Date(min).toISOString().slice(11, 19)} UTC</span>
        <span>
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={() => commit(current)}
          >
            Show state at this moment
          </button>{' '}
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={() => {
              setCurrent(max);
              startTransition(() => router.replace(pathname, { scroll: false }));
            }}
          >
            Latest
          </button>
        </span>
        <span className="muted">{new Date(max).toISOString().slice(11, 19)} UTC</span>
      </div>
    </div>
  );
}
