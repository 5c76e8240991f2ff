/**
 * Full-scan repair of instance states (`flowtrail repair`, tools/cli/repair-command.ts):
 * every instance of the store is folded again from ALL its stored events and compared
 * with its stored state; stale states are written again. Works on any store through the
 * ports — `scanInstanceEvents` streams the instances with their events in key order,
 * `instancesByKeys` reads the states of a page, `writeStates` writes the page's repairs —
 * so memory stays bounded by one page (`pageSize` instances, at most `pageEvents` events),
 * whatever the size of the store.
 *
 * Where it is needed: the start-up check of embedded mode (state-repair.ts) looks at the
 * instances of the newest events only, and in Kafka mode a crash between the events bulk
 * and the states bulk is repaired by the replay from the uncommitted offset. A state can
 * still fall behind its events when that replay did not happen: offsets reset or skipped
 * by hand, events written into the indices by other means (a restore, a copy), a states
 * write Elasticsearch rejected (`statesRejected`). This finds them all.
 *
 * A state is stale when it is missing or its `eventCount` differs from the fold's (the
 * number of stored events: states are a pure function of the set of events, and
 * `eventCount` is their version). A state BEHIND its events (or missing) is repaired; one
 * AHEAD of them (it claims more events than are stored: events written after the scan
 * read them, or events lost from the indices) is reported and left alone — the
 * `eventCount` rule of every state write would refuse to replace it anyway. Safe while
 * collectors run: a state they write meanwhile from more events wins over the repair's
 * (external versioning), and the repair never replaces a fuller one.
 *
 * `dryRun` counts only. Progress is logged every `progressEveryMs`; the end with the
 * totals (`warn` when something was stale, `info` otherwise).
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type {
  DetectionReader,
  EventScanFilter,
  EventScanner,
  EventWriter,
  InstanceEvents,
} from '../../ports/event-store.ts';
import type { Logger } from '../../shared/logger.ts';

/** Instances per page by default. */
export const DEFAULT_REPAIR_PAGE_SIZE = 500;
/** A page is cut early once it holds this many events (a few huge instances). */
export const DEFAULT_REPAIR_PAGE_EVENTS = 50_000;

export type FullRepairStore = EventScanner &
  Pick<EventWriter, 'writeStates'> &
  Pick<DetectionReader, 'instancesByKeys'>;

export interface FullRepairOptions {
  store: FullRepairStore;
  /** The ingest fold (the detection model's), so repaired states are what ingest writes. */
  fold: (events: readonly FlowtrailEvent[]) => InstanceState;
  logger: Logger;
  /** Count only; write nothing. */
  dryRun?: boolean;
  /** Only the instances of this process / source. */
  filter?: Pick<EventScanFilter, 'process' | 'source'>;
  pageSize?: number;
  pageEvents?: number;
  progressEveryMs?: number;
  /** Stops after the page in progress (Ctrl-C); the report says `aborted`. */
  signal?: AbortSignal;
  clock?: () => number;
}

export interface FullRepairReport {
  /** Instances folded and compared. */
  checked: number;
  /** Of those, missing or with an `eventCount` other than the fold's. */
  stale: number;
  /** Stale: without a state. */
  missing: number;
  /** Stale: the state has fewer events than are stored. */
  behind: number;
  /** Stale: the state claims more events than are stored (not replaced). */
  ahead: number;
  /** Missing or behind states written (0 in a dry run). */
  repaired: number;
  /** Repairs the store rejected (logged with the key). */
  rejected: number;
  /** Instances whose fold threw (logged with the key; not repaired). */
  foldFailures: number;
  /** Events read. */
  events: number;
  pages: number;
  dryRun: boolean;
  aborted: boolean;
  durationMs: number;
}

interface Page {
  items: InstanceEvents[];
  events: number;
}

export async function repairAllStates(options: FullRepairOptions): Promise<FullRepairReport> {
  const { store, logger } = options;
  const clock = options.clock ?? Date.now;
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_REPAIR_PAGE_SIZE);
  const pageEvents = Math.max(1, options.pageEvents ?? DEFAULT_REPAIR_PAGE_EVENTS);
  const progressEveryMs = options.progressEveryMs ?? 10_000;
  const dryRun = options.dryRun ?? false;
  const started = clock();
  let lastProgress = started;
  const report: FullRepairReport = {
    checked: 0,
    stale: 0,
    missing: 0,
    behind: 0,
    ahead: 0,
    repaired: 0,
    rejected: 0,
    foldFailures: 0,
    events: 0,
    pages: 0,
    dryRun,
    aborted: false,
    durationMs: 0,
  };

  const flush = async (page: Page): Promise<void> => {
    if (page.items.length === 0) return;
    report.pages += 1;
    report.events += page.events;
    const stored = new Map(
      (await store.instancesByKeys(page.items.map((item) => item.key))).map((s) => [s.key, s]),
    );
    const repairs: InstanceState[] = [];
    for (const { key, events } of page.items) {
      report.checked += 1;
      let folded: InstanceState;
      try {
        folded = options.fold(events);
      } catch (err) {
        report.foldFailures += 1;
        logger.error({ err, key, events: events.length }, 'fold failed; state not checked');
        continue;
      }
      const state = stored.get(key);
      if (state !== undefined && state.eventCount === folded.eventCount) continue;
      report.stale += 1;
      if (state === undefined) report.missing += 1;
      else if (state.eventCount < folded.eventCount) report.behind += 1;
      else {
        report.ahead += 1;
        logger.warn(
          { key, stateEvents: state.eventCount, storedEvents: folded.eventCount },
          'state claims more events than are stored; left as it is',
        );
        continue;
      }
      repairs.push(folded);
    }
    if (dryRun || repairs.length === 0) return;
    const result = await store.writeStates(repairs);
    const failed = [...result.rejected, ...result.retriable];
    for (const failure of failed) {
      logger.error(
        { key: failure.item.key, status: failure.status, error: failure.error },
        'repaired state not stored',
      );
    }
    report.rejected += failed.length;
    report.repaired += repairs.length - failed.length;
  };

  const progress = (): void => {
    const now = clock();
    if (now - lastProgress < progressEveryMs) return;
    lastProgress = now;
    logger.info(
      {
        checked: report.checked,
        stale: report.stale,
        repaired: report.repaired,
        events: report.events,
        seconds: Math.round((now - started) / 1000),
      },
      'repairing instance states',
    );
  };

  let page: Page = { items: [], events: 0 };
  for await (const item of store.scanInstanceEvents(options.filter ?? {})) {
    page.items.push(item);
    page.events += item.events.length;
    if (page.items.length >= pageSize || page.events >= pageEvents) {
      await flush(page);
      page = { items: [], events: 0 };
      progress();
      if (options.signal?.aborted === true) {
        report.aborted = true;
        break;
      }
    }
  }
  if (!report.aborted) await flush(page);
  report.durationMs = clock() - started;
  if (report.stale > 0 || report.aborted || report.rejected > 0) {
    logger.warn(
      report,
      dryRun ? 'stale instance states found (dry run)' : 'instance states repaired',
    );
  } else {
    logger.info(report, 'every instance state matches its events');
  }
  return report;
}
