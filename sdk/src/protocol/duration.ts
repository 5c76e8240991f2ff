/**
 * Duration texts: the one parser of the deadlines in process definitions (`deadline`,
 * `waitDeadline`, escalation `after`) and of an alert silence's `for`. The collector
 * validates and evaluates them with it (collector/src/domain/definitions/definition-schema.ts,
 * parse-definition.ts); the dashboard reads the same texts back from the API and measures
 * heat map cells against them (dashboard/lib/heatmap-metric.ts). One parser, so the two
 * cannot disagree about which texts are durations. Pure, never throws.
 *
 * Accepted: ISO-8601 (`PT5M`, `P1DT2H`, `PT0.5S`, `PT1,5S`, `P2W`) or the short form
 * (`30s`, `5m`, `2h`, `1d`, `1w`, `250ms`, compound `1h30m`, decimals `1.5h`). Letters
 * in any case, surrounding whitespace ignored; in the short form `m` is always minutes.
 * The result is rounded to whole milliseconds.
 *
 * Years and months are rejected: their length depends on the calendar, a deadline must
 * be a fixed number of milliseconds. A day is 24 h (no daylight-saving shifts).
 *
 * The dashboard used to have a parser of its own that was stricter. Where they disagreed
 * the collector's rules (above) won: the dashboard shows deadlines the collector already
 * accepted and alerts on, and a deadline the collector enforces must not silently lose
 * its band on the heat map. So the dashboard now also reads a decimal comma (`PT1,5S`)
 * and an upper-case short form (`5M` = 5 minutes, `2H`), and rounds fractional
 * milliseconds; for a text that is not a duration it gets a reason (`ok: false`).
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
