/**
 * CPU and memory of a child process from Linux's /proc (the benches start the product as
 * a child so that these are the product's numbers, not the bench's):
 *  - `cpuSeconds`: utime + stime of /proc/<pid>/stat (fields 14 and 15, clock ticks);
 *  - `memory`: VmHWM (peak resident set since the process started) and VmRSS of
 *    /proc/<pid>/status, in MiB.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second (`getconf CLK_TCK`; 100 on every common Linux). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: split after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, field 3 (state) is index 0, so utime (14) is 11 and stime (15) is 12.
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

export interface Memory {
  /** Peak resident set size (VmHWM), MiB. */
  peakMiB: number;
  /** Resident set size now (VmRSS), MiB. */
  rssMiB: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
}
