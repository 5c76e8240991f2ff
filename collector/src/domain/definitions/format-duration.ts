/**
 * The collector's short human form of a duration, for texts such as a stuck finding's
 * summary (domain/detection/stuck-summary.ts). Reading a duration text (`PT5M`, `1h30m`)
 * is `parseDuration` of `@flowtrail/sdk/protocol`, which the dashboard shares. Pure.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

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
