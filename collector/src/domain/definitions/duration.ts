/**
 * Durations in process definitions: ISO-8601 (`PT5M`, `P1DT2H`, `PT0.5S`, `P2W`) or the
 * short form (`30s`, `5m`, `2h`, `1d`, `1w`, `250ms`, compound `1h30m`). Pure.
 *
 * Years and months are rejected: their length depends on the calendar, a deadline must
 * be a fixed number of milliseconds. A day is 24 h (no daylight-saving shifts).
 */

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const ISO = new RegExp(
  `^P(?:(${NUMBER})Y)?(?:(${NUMBER})M)?(?:(${NUMBER})W)?(?:(${NUMBER})D)?` +
    `(?:T(?:(${NUMBER})H)?(?:(${NUMBER})M)?(?:(${NUMBER})S)?)?$`,
);
const SHORT_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
const SHORT_UNITS: Record<string, number> = {
  ms: 1,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
  d: DAY,
  w: WEEK,
};

function num(text: string | undefined): number {
  return text === undefined ? 0 : Number(text.replace(',', '.'));
}

function expected(text: string): DurationResult {
  return {
    ok: false,
    message: `${JSON.stringify(text)} is not a duration (expected ISO-8601 like PT5M or P1DT2H, or a short form like 30s, 5m, 2h, 1d, 1h30m)`,
  };
}

function parseIso(text: string): DurationResult {
  const match = ISO.exec(text);
  if (match === null || text === 'P' || text.endsWith('T')) return expected(text);
  const [, years, months, weeks, days, hours, minutes, seconds] = match;
  if (years !== undefined || months !== undefined) {
    return {
      ok: false,
      message: `${JSON.stringify(text)}: years and months have no fixed length; use days or weeks`,
    };
  }
  const ms = num(weeks) * WEEK + num(days) * DAY + num(hours) * HOUR + num(minutes) * MINUTE;
  return { ok: true, ms: Math.round(ms + num(seconds) * SECOND) };
}

function parseShort(text: string): DurationResult {
  SHORT_PART.lastIndex = 0;
  let ms = 0;
  let consumed = 0;
  for (let match = SHORT_PART.exec(text); match !== null; match = SHORT_PART.exec(text)) {
    ms += Number(match[1]) * (SHORT_UNITS[match[2] as string] as number);
    consumed = SHORT_PART.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) return expected(text);
  return { ok: true, ms: Math.round(ms) };
}

/** Milliseconds of a duration text, or why it is not one. Never throws. */
export function parseDuration(text: string): DurationResult {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, message: 'empty duration' };
  const upper = trimmed.toUpperCase();
  return upper.startsWith('P') ? parseIso(upper) : parseShort(trimmed.toLowerCase());
}

/** Short human form of milliseconds: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.floor(abs / SECOND)} s`;
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) {
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return `${Math.floor(abs / HOUR)} h${minutes > 0 ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.floor((abs % DAY) / HOUR);
  return `${Math.floor(abs / DAY)} d${hours > 0 ? ` ${hours} h` : ''}`;
}
