/**
 * Keeps the Elasticsearch store's analytics buckets equal to the sum of the instances'
 * contributions (es-analytics.ts) without a transaction between documents. Ingest writes
 * each instance's WHOLE contribution with its state (es-summaries.ts); this walks the
 * contributions written since its checkpoint in `_seq_no` order (one shard, so a total
 * order of writes; up to the shard's local checkpoint, below which every write is done),
 * a page at a time, and adds to the buckets what each changed by since the buckets
 * included it (`<prefix>-analytics-included`).
 *
 * One page is made exact by a write-ahead journal:
 * 1. compute the page's total change and the contributions it includes, write them as
 *    journal `page + 1` (`create`: of two compactors only one writes a page);
 * 2. apply it: each bucket it changes is read and written under the page number as its
 *    external version, skipped when it already has that page (a retried or second
 *    application adds nothing twice); then the included contributions;
 * 3. advance the checkpoint past the page, then delete the journal.
 * Each bucket document also records the `page` that last wrote it, and the checkpoint the
 * index's `epoch`; after the run's refresh the page becomes `visible`, so readers can
 * fetch only what changed since they last read (es-analytics-visibility.ts).
 * A crash anywhere leaves a journal or a checkpoint that the next run completes, so
 * every contribution change is added exactly once. Its cost follows the contributions
 * written, never the history. Failures are `StorageError`s; the caller retries later.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import {
  addBucket,
  emptyBucket,
  isAnalyticsBucket,
} from '../../domain/analytics/analytics-bucket.ts';
import type { AnalyticsBucket } from '../../domain/analytics/analytics-bucket.ts';
import {
  addDelta,
  deltaBuckets,
  deltaOfBuckets,
  emptyDelta,
  type AnalyticsDelta,
} from '../../domain/analytics/analytics-delta.ts';
import { randomUUID } from 'node:crypto';
import { StorageError } from '../../shared/errors.ts';
import { bucketDocumentId } from './es-analytics.ts';
import {
  CHECKPOINT_ID,
  publishVisible,
  readCheckpoint,
  type Checkpoint,
} from './es-analytics-visibility.ts';
import { bulkVersioned } from './es-bulk.ts';
import { toStorageError } from './es-errors.ts';
import { sourceOfMgetItem } from './es-mget.ts';
import { analyticsIndex, contributionsIndex, includedIndex } from './index-names.ts';

/** Contributions per page (one journal document holds them; larger pages rewrite each hot bucket less often). */
const PAGE = 1000;

interface Journal {
  kind: 'journal';
  page: number;
  through: number;
  /** The index's epoch (es-analytics-visibility.ts); absent in journals of older versions. */
  epoch?: string;
  /** The page's total change, by bucket. */
  change: AnalyticsBucket[];
  /** The contributions the buckets include after the page. */
  included: { key: string; buckets: AnalyticsBucket[] }[];
}

export class AnalyticsCompactor {
  constructor(
    private readonly client: Client,
    private readonly prefix: string,
  ) {}

  /**
   * Pages until every contribution written before the call is in the buckets (at most
   * `maxPages`; the rest is left for the next call); returns the pages applied. One
   * refresh of the contributions per call, one of the buckets when any changed, after
   * which the checkpoint's page is written as the visible one.
   */
  async compactAll(maxPages = Infinity): Promise<number> {
    const top = await this.localCheckpoint();
    const { checkpoint, visible } = await readCheckpoint(this.client, this.prefix);
    // Caught up (no write since, no page left half done): no page, and a refresh only to
    // make visible what a run that crashed before its `visible` write applied.
    if (top <= checkpoint.through && (await this.journal(checkpoint.page + 1)) === undefined) {
      await publishVisible(this.client, this.prefix, checkpoint, visible);
      return 0;
    }
    await this.refresh(contributionsIndex(this.prefix), 'refresh contributions');
    let pages = 0;
    while (pages < maxPages && (await this.compactPage(top))) pages++;
    // The checkpoint read BEFORE the refresh: every bucket write of its pages is done.
    const after = await readCheckpoint(this.client, this.prefix);
    await publishVisible(this.client, this.prefix, after.checkpoint, after.visible);
    return pages;
  }

  /**
   * One page of the contributions up to `top` (visible: refreshed after `top` was read),
   * or the completion of an interrupted page; false when there is none.
   */
  private async compactPage(top: number): Promise<boolean> {
    const checkpoint = await this.checkpoint();
    const pending = await this.journal(checkpoint.page + 1);
    // An epoch is created with the first page (or the first since epochs exist).
    const epoch = checkpoint.epoch ?? randomUUID();
    if (pending !== undefined) {
      await this.apply(pending, pending.epoch ?? epoch);
      return true;
    }
    if (top <= checkpoint.through) return false;
    const hits = await this.contributionsAfter(checkpoint.through, top);
    const last = hits[hits.length - 1];
    const through = hits.length < PAGE || last?._seq_no == null ? top : last._seq_no;
    const journal = { ...(await this.pageOf(checkpoint.page + 1, through, hits)), epoch };
    try {
      await this.client.index({
        index: analyticsIndex(this.prefix),
        id: journalId(journal.page),
        op_type: 'create',
        document: journal,
      });
    } catch (err) {
      // Another compactor wrote this page first: the next call applies its journal.
      if ((err as { statusCode?: number }).statusCode === 409) return true;
      throw toStorageError('write analytics journal', err);
    }
    await this.apply(journal, epoch);
    return true;
  }

  private async pageOf(
    page: number,
    through: number,
    hits: estypes.SearchHit<{ buckets?: unknown }>[],
  ): Promise<Journal> {
    const keys = hits.map((hit) => hit._id as string);
    const included = await this.included(keys);
    const change = emptyDelta();
    const next: Journal['included'] = [];
    for (const hit of hits) {
      const key = hit._id as string;
      const current = deltaOfBuckets(hit._source?.buckets);
      if (current === undefined) {
        throw new StorageError(
          `analytics contribution of ${JSON.stringify(key)} is damaged`,
          false,
        );
      }
      addDelta(change, current);
      const before = included.get(key);
      if (before !== undefined) addDelta(change, before, -1);
      next.push({ key, buckets: deltaBuckets(current) });
    }
    return { kind: 'journal', page, through, change: deltaBuckets(change), included: next };
  }

  /** Steps 2 and 3 (idempotent). */
  private async apply(journal: Journal, epoch: string): Promise<void> {
    const index = analyticsIndex(this.prefix);
    const ids = journal.change.map((b) => bucketDocumentId(b.process, b.hour));
    const stored = await this.mget(index, ids, 'read analytics buckets');
    const operations: object[] = [];
    journal.change.forEach((change, i) => {
      const doc = stored[i];
      const version = doc !== undefined && 'found' in doc && doc.found ? (doc._version ?? 0) : 0;
      if (version >= journal.page) return;
      const kept = sourceOfMgetItem<{ bucket?: unknown }>(doc, 'read analytics buckets')?.bucket;
      const bucket = isAnalyticsBucket(kept) ? kept : emptyBucket(change.process, change.hour);
      addBucket(bucket, change);
      operations.push(
        { index: { _index: index, _id: ids[i], version: journal.page, version_type: 'external' } },
        { kind: 'bucket', process: change.process, hour: change.hour, page: journal.page, bucket },
      );
    });
    await bulkVersioned(this.client, 'write analytics buckets', operations);
    await bulkVersioned(
      this.client,
      'write included contributions',
      journal.included.flatMap(({ key, buckets }) => [
        {
          index: {
            _index: includedIndex(this.prefix),
            _id: key,
            version: journal.page,
            version_type: 'external_gte',
          },
        },
        { buckets },
      ]),
    );
    await bulkVersioned(this.client, 'advance analytics checkpoint', [
      {
        index: {
          _index: index,
          _id: CHECKPOINT_ID,
          version: journal.page,
          version_type: 'external',
        },
      },
      { kind: 'checkpoint', through: journal.through, page: journal.page, epoch },
    ]);
    try {
      await this.client.delete({ index, id: journalId(journal.page) }, { ignore: [404] });
    } catch (err) {
      throw toStorageError('delete analytics journal', err);
    }
  }

  private async checkpoint(): Promise<Checkpoint> {
    return (await readCheckpoint(this.client, this.prefix)).checkpoint;
  }

  private async journal(page: number): Promise<Journal | undefined> {
    const [doc] = await this.mget(analyticsIndex(this.prefix), [journalId(page)], 'read journal');
    return sourceOfMgetItem<Journal>(doc, 'read analytics journal');
  }

  private async included(keys: readonly string[]): Promise<Map<string, AnalyticsDelta>> {
    const docs = await this.mget(includedIndex(this.prefix), keys, 'read included contributions');
    const result = new Map<string, AnalyticsDelta>();
    keys.forEach((key, i) => {
      const source = sourceOfMgetItem<{ buckets?: unknown }>(
        docs[i],
        'read included contributions',
      );
      if (source === undefined) return;
      const delta = deltaOfBuckets(source.buckets);
      if (delta === undefined) {
        throw new StorageError(`included contribution of ${JSON.stringify(key)} is damaged`, false);
      }
      result.set(key, delta);
    });
    return result;
  }

  /** The contributions whose last write has `after` < `_seq_no` ≤ `upTo`, oldest first. */
  private async contributionsAfter(
    after: number,
    upTo: number,
  ): Promise<estypes.SearchHit<{ buckets?: unknown }>[]> {
    try {
      const response = await this.client.search<{ buckets?: unknown }>({
        index: contributionsIndex(this.prefix),
        allow_partial_search_results: false,
        query: { range: { _seq_no: { gt: after, lte: upTo } } },
        sort: [{ _seq_no: 'asc' }],
        seq_no_primary_term: true,
        size: PAGE,
        track_total_hits: false,
      });
      return response.hits.hits;
    } catch (err) {
      throw toStorageError('read contributions', err);
    }
  }

  /** The contributions shard's local checkpoint: every write up to it is done. */
  private async localCheckpoint(): Promise<number> {
    const index = contributionsIndex(this.prefix);
    let response: estypes.IndicesStatsResponse;
    try {
      response = await this.client.indices.stats({ index, level: 'shards', metric: 'docs' });
    } catch (err) {
      throw toStorageError('read contributions checkpoint', err);
    }
    const shards = response.indices?.[index]?.shards?.['0'] as
      { routing?: { primary?: boolean }; seq_no?: { local_checkpoint?: number } }[] | undefined;
    const primary = shards?.find((s) => s.routing?.primary !== false) ?? shards?.[0];
    const value = primary?.seq_no?.local_checkpoint;
    if (typeof value !== 'number') {
      throw new StorageError('elasticsearch contributions shard has no checkpoint yet', true);
    }
    return value;
  }

  private async mget(
    index: string,
    ids: readonly string[],
    operation: string,
  ): Promise<estypes.MgetResponseItem<never>[]> {
    if (ids.length === 0) return [];
    try {
      return (await this.client.mget({ index, ids: [...ids] }))
        .docs as estypes.MgetResponseItem<never>[];
    } catch (err) {
      throw toStorageError(operation, err);
    }
  }

  private async refresh(index: string, operation: string): Promise<void> {
    try {
      await this.client.indices.refresh({ index });
    } catch (err) {
      throw toStorageError(operation, err);
    }
  }
}

const journalId = (page: number): string => `journal:${page}`;
