/**
 * What a reader of the Elasticsearch analytics buckets may rely on (es-analytics-cache.ts).
 * The compactor (es-analytics-compactor.ts) writes each page's buckets, then its checkpoint,
 * and refreshes the analytics index only at the end of a run, so a checkpoint says nothing
 * about what a search sees. After that refresh the compactor writes the `visible` document
 * `{ page, epoch }`: every bucket write of pages ≤ `page` of the index `epoch` is
 * searchable. Read in real time before a search, it bounds what the search misses.
 *
 * - Every `visible` ever written is true for as long as its index lives (a refresh is never
 *   undone): one from a slower second compactor may lower it, which only makes it weaker.
 * - The `epoch` is created with the first page of an analytics index (a random UUID in the
 *   journal of page 1, which only one compactor can write) and carried from checkpoint to
 *   checkpoint; a rebuild from scratch drops the index, so pages restart under a new epoch.
 *   A compactor that read the old checkpoint before the drop can still write its `visible`
 *   into the new index: a reader therefore trusts `visible` only when the checkpoint
 *   (real-time, same request) has the same epoch.
 * - A crash between the refresh and the write leaves `visible` behind the checkpoint:
 *   readers are that much staler until the next run, which writes it even when it has no
 *   page to apply (`publishVisible` compares first, so a caught-up run costs no refresh).
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { STATUS_ID } from './es-analytics.ts';
import { toStorageError } from './es-errors.ts';
import { sourceOfMgetItem } from './es-mget.ts';
import { analyticsIndex } from './index-names.ts';

export const CHECKPOINT_ID = 'checkpoint';
const VISIBLE_ID = 'visible';

export interface Checkpoint {
  /** Every contribution write with `_seq_no` ≤ this is included. */
  through: number;
  /** Pages applied so far. */
  page: number;
  /** The analytics index's epoch (absent: no page applied since this field exists). */
  epoch?: string;
}

export interface Visible {
  page: number;
  epoch: string;
}

/** What a bucket reader needs before it searches. */
export interface AnalyticsState {
  /** The contributions cover every stored instance (the status document). */
  complete: boolean;
  /** Absent: nothing known to be searchable (no page yet, an upgrade, a rebuild). */
  visible?: Visible;
}

const mgetDocs = async (
  client: Client,
  prefix: string,
  ids: readonly string[],
  operation: string,
): Promise<estypes.MgetResponseItem<Record<string, unknown>>[]> => {
  try {
    const index = analyticsIndex(prefix);
    const response = await client.mget<Record<string, unknown>>({
      docs: ids.map((id) => ({ _index: index, _id: id })),
    });
    return response.docs;
  } catch (err) {
    throw toStorageError(operation, err);
  }
};

function checkpointOf(source: Record<string, unknown> | undefined): Checkpoint {
  const through = typeof source?.through === 'number' ? source.through : -1;
  const page = typeof source?.page === 'number' ? source.page : 0;
  return typeof source?.epoch === 'string'
    ? { through, page, epoch: source.epoch }
    : { through, page };
}

function visibleOf(source: Record<string, unknown> | undefined): Visible | undefined {
  return typeof source?.page === 'number' && typeof source.epoch === 'string'
    ? { page: source.page, epoch: source.epoch }
    : undefined;
}

/** The compactor's checkpoint and the `visible` document (real-time). */
export async function readCheckpoint(
  client: Client,
  prefix: string,
): Promise<{ checkpoint: Checkpoint; visible: Visible | undefined }> {
  const op = 'read analytics checkpoint';
  const [checkpoint, visible] = await mgetDocs(client, prefix, [CHECKPOINT_ID, VISIBLE_ID], op);
  return {
    checkpoint: checkpointOf(sourceOfMgetItem(checkpoint, op)),
    visible: visibleOf(sourceOfMgetItem(visible, op)),
  };
}

/** The status, and `visible` when its epoch is the checkpoint's (one real-time request). */
export async function readAnalyticsState(client: Client, prefix: string): Promise<AnalyticsState> {
  const op = 'read analytics status';
  const ids = [STATUS_ID, VISIBLE_ID, CHECKPOINT_ID];
  const [status, visibleDoc, checkpointDoc] = await mgetDocs(client, prefix, ids, op);
  const complete = sourceOfMgetItem(status, op)?.complete === true;
  const visible = visibleOf(sourceOfMgetItem(visibleDoc, op));
  const checkpoint = checkpointOf(sourceOfMgetItem(checkpointDoc, op));
  return visible !== undefined && visible.epoch === checkpoint.epoch
    ? { complete, visible }
    : { complete };
}

/**
 * Makes `checkpoint` (read before this call) the visible page, unless it already is: a
 * refresh of the analytics index, then the `visible` document.
 */
export async function publishVisible(
  client: Client,
  prefix: string,
  checkpoint: Checkpoint,
  visible: Visible | undefined,
): Promise<void> {
  const epoch = checkpoint.epoch;
  if (epoch === undefined) return;
  // Already as far (or further: another compactor's later run): nothing to make visible.
  if (visible?.epoch === epoch && visible.page >= checkpoint.page) return;
  const index = analyticsIndex(prefix);
  try {
    await client.indices.refresh({ index });
  } catch (err) {
    throw toStorageError('refresh analytics', err);
  }
  try {
    await client.index({
      index,
      id: VISIBLE_ID,
      document: { kind: 'visible', page: checkpoint.page, epoch },
    });
  } catch (err) {
    throw toStorageError('write analytics visible page', err);
  }
}
