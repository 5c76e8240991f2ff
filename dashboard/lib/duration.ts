/**
 * Parses a definition duration (docs/definitions.md): ISO-8601 (`PT5M`, `PT0.5S`, `P1DT2H`,
 * `P2W`; no years or months) or the short form (`250ms`, `30s`, `5m`, `2h`, `1d`, `1w`,
 * compound `1h30m`). Answers milliseconds, or undefined when the text is not a duration.
 */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

export function parseDuration(text: string | undefined | null): number | undefined {
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  if (s === '') return undefined;
  const iso = ISO.exec(s);
  if (iso) {
    if (/T$/i.test(s) || s.toUpperCase() === 'P') return undefined;
    const [, w, d, h, m, sec] = iso;
    const n = (v: string | undefined, unit: number) => (v === undefined ? 0 : Number(v) * unit);
    return (
      n(w, UNIT_MS.w ?? 0) +
      n(d, UNIT_MS.d ?? 0) +
      n(h, UNIT_MS.h ?? 0) +
      n(m, UNIT_MS.m ?? 0) +
      n(sec, UNIT_MS.s ?? 0)
    );
  }
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let end = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(s)) !== null) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    end = part.lastIndex;
  }
  return end === s.length && end > 0 ? total : undefined;
}

/** The deadline band of a duration: under half, under the deadline, or at/over it. */
export type DeadlineBand = 'ok' | 'near' | 'over';

export function deadlineBand(valueMs: number, deadlineMs: number): DeadlineBand {
  const ratio = valueMs / deadlineMs;
  if (ratio < 0.5) return 'ok';
  if (ratio < 1) return 'near';
  return 'over';
}
