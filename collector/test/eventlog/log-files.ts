/** Real event logs shipped with the pm4js dev dependency, and small test helpers. */
import { fileURLToPath } from 'node:url';
import type { EventLogItem, ImportedCase, Rejection } from '../../src/tools/eventlog/index.ts';

const DATA = fileURLToPath(
  new URL('../../../node_modules/pm4js/examples/input_data/', import.meta.url),
);

export function logFile(name: string): string {
  return `${DATA}${name}`;
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export interface CollectedLog {
  name: string | undefined;
  cases: ImportedCase[];
  rejections: Rejection[];
  items: EventLogItem[];
}

export async function collect(items: AsyncIterable<EventLogItem>): Promise<CollectedLog> {
  const log: CollectedLog = { name: undefined, cases: [], rejections: [], items: [] };
  for await (const item of items) {
    log.items.push(item);
    if (item.kind === 'log') log.name = item.log.name;
    if (item.kind === 'case') log.cases.push(item.case);
    if (item.kind === 'rejection') log.rejections.push(item.rejection);
  }
  return log;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
