/** Pure formatting helpers (no IO). Times are shown in UTC so server and browser agree. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = s / 60;
  if (m < 60) return `${Math.floor(m)} min ${Math.round(s % 60)} s`;
  const h = m / 60;
  if (h < 48) return `${Math.floor(h)} h ${Math.round(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${Math.round(h % 24)} h`;
}

/** Path of an instance page: the key is one encoded segment. */
export function instanceHref(key: string, asOf?: string): string {
  return `/instances/${encodeURIComponent(key)}${asOf === undefined ? '' : `?asOf=${encodeURIComponent(asOf)}`}`;
}

export function searchHref(params: Record<string, string | undefined>): string {
  return hrefWith('/', params);
}

/** `path` with the given (non-empty) query parameters. */
export function hrefWith(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

export function businessKeysText(keys: Record<string, string>): string {
  return Object.entries(keys)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** The first value of a Next.js search param. */
export function one(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? undefined : v;
}
