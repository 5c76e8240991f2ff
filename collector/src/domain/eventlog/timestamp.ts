/**
 * Timestamps of event logs → RFC 3339 (what Flowtrail events carry). Pure.
 *
 * Accepted: `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fraction]]`,
 * optionally followed by `Z` or an offset `±HH`, `±HHMM`, `±HH:MM`. `/` is accepted as
 * date separator. A timestamp without offset (common in CSV exports, e.g.
 * `2011-10-11 13:45:40.276`) gets `defaultOffset` (default `Z`). Fractions are kept to
 * milliseconds (truncated). Anything else (day-first dates, month names, epoch numbers)
 * is rejected, never guessed.
 */
import { isRfc3339 } from '@flowtrail/sdk/protocol';

const PATTERN =
  /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const OFFSET = /^(?:Z|[+-]\d{2}:\d{2})$/;

function normaliseOffset(raw: string): string {
  if (raw === 'Z' || raw === 'z') return 'Z';
  const sign = raw[0];
  const digits = raw.slice(1).replace(':', '');
  const hours = digits.slice(0, 2);
  const minutes = digits.length > 2 ? digits.slice(2, 4) : '00';
  return `${sign}${hours}:${minutes}`;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * The RFC 3339 form of `raw`, or `undefined` when it is not a timestamp of a supported
 * shape or does not denote a real instant (month 13, 30 February, 25:00…).
 */
export function parseTimestamp(raw: string, defaultOffset = 'Z'): string | undefined {
  if (!OFFSET.test(defaultOffset)) throw new Error(`invalid default offset ${defaultOffset}`);
  const match = PATTERN.exec(raw.trim());
  if (match === null) return undefined;
  const [, y = '', mo = '', d = '', h = '00', mi = '00', s = '00', fraction, offset] = match;
  if (!isRealDate(Number(y), Number(mo), Number(d))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const zone = offset === undefined ? defaultOffset : normaliseOffset(offset);
  if (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59) return undefined;
  const millis = fraction === undefined ? '' : `.${fraction.slice(0, 3).padEnd(3, '0')}`;
  const text = `${y}-${mo}-${d}T${h}:${mi}:${s}${millis}${zone}`;
  return isRfc3339(text) ? text : undefined;
}
