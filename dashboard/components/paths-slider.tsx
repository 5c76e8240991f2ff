'use client';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { hrefWith } from '@/lib/format';

/**
 * The process map's paths slider (as Disco's): 0 % shows every path, 100 % only the most
 * frequent. The value is the URL's `?paths=`, so the server draws the map; a GET form
 * with an Apply button works without JavaScript, and with it a pause in moving the
 * slider applies the value (a navigation per pixel dragged would flood the server).
 */
export function PathsSlider({ paths, keep }: { paths: number; keep: Record<string, string> }) {
  const router = useRouter();
  const pathname = usePathname();
  const [value, setValue] = useState(paths);
  const [pending, startTransition] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const apply = (next: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      startTransition(() =>
        router.replace(hrefWith(pathname, { ...keep, paths: String(next) }), { scroll: false }),
      );
    }, 300);
  };

  return (
    <form method="get" action={pathname} className="paths-slider">
      {Object.entries(keep).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <label htmlFor="map-paths">
        Paths: <strong>{value} %</strong>
        <span className="muted"> (hide paths rarer than this share of the most frequent)</span>
        {pending ? ' (loading…)' : ''}
      </label>
      <input
        id="map-paths"
        name="paths"
        type="range"
        min={0}
        max={100}
        step={5}
        value={value}
        onChange={(e) => {
          const next = Number(e.target.value);
          setValue(next);
          apply(next);
        }}
      />
      <button type="submit" className="btn btn-small btn-secondary">
        Apply
      </button>
    </form>
  );
}
