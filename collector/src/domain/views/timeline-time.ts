/**
 * The small pieces every timeline derivation shares: terminal statuses, normalized
 * ISO-8601 UTC times and a plain string order. Pure.
 */
import { instantOf } from '../instance/event-order.ts';

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
export const iso = (ms: number): string => new Date(ms).toISOString();
export const norm = (time: string): string => iso(instantOf(time));
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
