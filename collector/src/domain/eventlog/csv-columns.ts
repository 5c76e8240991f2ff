/**
 * Which CSV column holds what: explicit mapping, else auto-detection from the header.
 * Pure. Names are compared ignoring case, spaces, `_` and `-`, so `Case ID`, `case_id`
 * and `CaseID` are one name. Candidates are tried in order, first match wins (e.g.
 * `concept:name` before `Activity` when a file has both).
 */
export interface CsvColumnMapping {
  caseId: string;
  activity: string;
  /** Completion time of the event. */
  timestamp: string;
  /** Optional start time of the event (interval logs with start and complete columns). */
  startTimestamp?: string;
  resource?: string;
  lifecycle?: string;
}

/** Column indexes resolved against a header row. */
export interface CsvColumns {
  caseId: number;
  activity: number;
  timestamp: number;
  startTimestamp?: number;
  resource?: number;
  lifecycle?: number;
  /** The header, as read. */
  header: readonly string[];
}

export const COLUMN_CANDIDATES: Record<keyof CsvColumnMapping, readonly string[]> = {
  caseId: ['case:concept:name', 'case id', 'caseid', 'case', 'case key', 'trace id', 'case:id'],
  activity: ['concept:name', 'activity', 'activity name', 'event name', 'event', 'task', 'action'],
  timestamp: [
    'time:timestamp',
    'timestamp',
    'complete timestamp',
    'completetime',
    'complete',
    'end timestamp',
    'end time',
    'end',
    'time',
    'date',
  ],
  startTimestamp: ['start_timestamp', 'start timestamp', 'start time', 'start'],
  resource: ['org:resource', 'resource', 'user', 'performer'],
  lifecycle: ['lifecycle:transition', 'lifecycle', 'transition'],
};

const REQUIRED = ['caseId', 'activity', 'timestamp'] as const;

/** A mapping that cannot be resolved: the file cannot be imported at all. */
export class CsvMappingError extends Error {
  override name = 'CsvMappingError';
}

function normalise(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

function indexOf(header: readonly string[], names: readonly string[], used: Set<number>): number {
  const normalised = header.map(normalise);
  for (const name of names) {
    const index = normalised.indexOf(normalise(name));
    if (index !== -1 && !used.has(index)) return index;
  }
  return -1;
}

/**
 * Resolves the columns of `header`. `mapping` names columns explicitly (matched the same
 * lenient way); any role it leaves out is auto-detected. Throws `CsvMappingError` when a
 * required column (case id, activity, timestamp) is missing or an explicit name is not
 * in the header.
 */
export function resolveColumns(
  header: readonly string[],
  mapping: Partial<CsvColumnMapping> = {},
): CsvColumns {
  const used = new Set<number>();
  const found: Partial<Record<keyof CsvColumnMapping, number>> = {};
  const roles = Object.keys(COLUMN_CANDIDATES) as (keyof CsvColumnMapping)[];
  // Explicit names first, so auto-detection cannot take their columns.
  for (const role of roles) {
    const explicit = mapping[role];
    if (explicit === undefined) continue;
    const index = indexOf(header, [explicit], new Set());
    if (index === -1) {
      throw new CsvMappingError(
        `column "${explicit}" (${role}) is not in the header: ${header.join(', ')}`,
      );
    }
    found[role] = index;
    used.add(index);
  }
  for (const role of roles) {
    if (found[role] !== undefined) continue;
    const index = indexOf(header, COLUMN_CANDIDATES[role], used);
    if (index !== -1) {
      found[role] = index;
      used.add(index);
    }
  }
  const missing = REQUIRED.filter((role) => found[role] === undefined);
  if (missing.length > 0) {
    throw new CsvMappingError(
      `cannot find the ${missing.join(', ')} column(s) in the header (${header.join(', ')}); name them with the column mapping`,
    );
  }
  const { caseId, activity, timestamp, ...optional } = found as Record<string, number>;
  return { caseId: caseId!, activity: activity!, timestamp: timestamp!, ...optional, header };
}
