/**
 * The benchmark's alternative to SQLite: a naive append-only JSON-lines store with
 * in-memory indices (what one would write without a database dependency). Events and
 * states are appended to `events.jsonl` / `states.jsonl` (no fsync, like SQLite's
 * `synchronous=NORMAL` in WAL mode between checkpoints); `prepare` replays both files.
 * Only for `embedded-store.bench.ts` — not a product store.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  instanceKey,
  instanceKeyOf,
  type FlowtrailEvent,
  type InstanceRef,
} from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../collector/src/domain/instance/instance-state.ts';
import { changePage, type ChangePage } from '../collector/src/ports/change-feed.ts';
import type {
  ChangedWindowPage,
  ChangedWindowQuery,
} from '../collector/src/ports/changed-window.ts';
import type {
  ChangedInstancesPage,
  EventScanFilter,
  EventStore,
  InstanceEvents,
  InstanceKeyPage,
  InstancePage,
  InstanceQuery,
  OpenInstanceKeysQuery,
  WriteResult,
} from '../collector/src/ports/event-store.ts';

const words = (text: string): string[] =>
  (text.match(/[\p{L}\p{N}\p{Co}_]+/gu) ?? []).map((w) => w.toLowerCase());

interface Indexed {
  state: InstanceState;
  words: Set<string>;
  lastEventMs: number;
  /** Change-feed number of the state's latest write. */
  changeSeq: number;
}

export class JsonlEventStore implements EventStore {
  private readonly events = new Map<string, FlowtrailEvent>();
  private readonly idsByInstance = new Map<string, Set<string>>();
  private readonly states = new Map<string, Indexed>();
  private changeSeq = 0;

  constructor(private readonly dataDir: string) {}

  private get eventsFile(): string {
    return join(this.dataDir, 'events.jsonl');
  }

  private get statesFile(): string {
    return join(this.dataDir, 'states.jsonl');
  }

  async prepare(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    for (const line of this.lines(this.eventsFile)) this.indexEvent(JSON.parse(line));
    for (const line of this.lines(this.statesFile)) this.indexState(JSON.parse(line));
  }

  async close(): Promise<void> {}

  async writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    if (events.length > 0) {
      appendFileSync(this.eventsFile, events.map((e) => JSON.stringify(e) + '\n').join(''));
      for (const event of events) this.indexEvent(event);
    }
    return { retriable: [], rejected: [] };
  }

  async eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    const result = new Map<string, FlowtrailEvent[]>();
    for (const key of new Set(keys)) {
      const ids = this.idsByInstance.get(key);
      if (ids !== undefined)
        result.set(
          key,
          [...ids].map((id) => this.events.get(id)!),
        );
    }
    return result;
  }

  async writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    const newer = states.filter(
      (s) => (this.states.get(s.key)?.state.eventCount ?? -1) <= s.eventCount,
    );
    if (newer.length > 0) {
      appendFileSync(this.statesFile, newer.map((s) => JSON.stringify(s) + '\n').join(''));
      for (const state of newer) this.indexState(state);
    }
    return { retriable: [], rejected: [] };
  }

  async getInstance(key: string): Promise<InstanceState | undefined> {
    return this.states.get(key)?.state;
  }

  async getEvents(key: string): Promise<FlowtrailEvent[]> {
    const events = (await this.eventsOfInstances([key])).get(key) ?? [];
    return events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : 1));
  }

  async *scanInstanceEvents(filter: EventScanFilter): AsyncGenerator<InstanceEvents> {
    for (const key of [...this.idsByInstance.keys()].sort()) {
      const events = await this.getEvents(key);
      const first = events[0];
      if (first === undefined) continue;
      if (filter.process !== undefined && first.ftprocess !== filter.process) continue;
      if (filter.source !== undefined && first.source !== filter.source) continue;
      yield { key, events };
    }
  }

  async search(query: InstanceQuery): Promise<InstancePage> {
    const wanted = query.text !== undefined ? words(query.text) : [];
    const eq = query.businessKey?.indexOf('=') ?? -1;
    const hits: Indexed[] = [];
    for (const entry of this.states.values()) {
      const s = entry.state;
      if (query.process !== undefined && s.process !== query.process) continue;
      if (query.status !== undefined && s.status !== query.status) continue;
      if (query.businessKey !== undefined) {
        const ok =
          eq > 0
            ? s.businessKeys[query.businessKey.slice(0, eq)] === query.businessKey.slice(eq + 1)
            : Object.values(s.businessKeys).includes(query.businessKey);
        if (!ok) continue;
      }
      if (!wanted.every((w) => entry.words.has(w))) continue;
      hits.push(entry);
    }
    hits.sort((a, b) => b.lastEventMs - a.lastEventMs || (a.state.key < b.state.key ? -1 : 1));
    const from = query.from ?? 0;
    return {
      total: hits.length,
      instances: hits.slice(from, from + (query.size ?? 20)).map((h) => h.state),
    };
  }

  // Detection: naive scans of the in-memory states (not measured by this benchmark).

  async overdueInstances(now: string, limit: number): Promise<InstanceState[]> {
    const nowMs = Date.parse(now);
    const terminal = ['completed', 'failed', 'cancelled'];
    return [...this.states.values()]
      .map(({ state }) => ({ state, ms: Date.parse(state.nextDeadline ?? '') }))
      .filter(({ state, ms }) => ms <= nowMs && !terminal.includes(state.status))
      .sort((a, b) => a.ms - b.ms || (a.state.key < b.state.key ? -1 : 1))
      .slice(0, limit)
      .map(({ state }) => state);
  }

  async instancesChangedSince(
    since: string,
    limit: number,
    after = '',
  ): Promise<ChangedInstancesPage> {
    const sinceMs = Date.parse(since);
    const instances = [...this.states.values()]
      .filter((entry) => entry.lastEventMs >= sinceMs && entry.state.key > after)
      .map((entry) => entry.state)
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .slice(0, limit);
    const last = instances.length === limit ? instances[limit - 1] : undefined;
    return last === undefined ? { instances } : { instances, next: last.key };
  }

  async instancesChangedBetween(query: ChangedWindowQuery): Promise<ChangedWindowPage> {
    const [since, until] = [Date.parse(query.since), Date.parse(query.until)];
    const after = query.after;
    const afterMs = after === undefined ? -Infinity : Date.parse(after.lastEventAt);
    const entries = [...this.states.values()]
      .filter((e) => e.lastEventMs >= since && e.lastEventMs < until)
      .filter(
        (e) =>
          e.lastEventMs > afterMs ||
          (e.lastEventMs === afterMs && e.state.key < (after?.key ?? '')),
      )
      .sort((a, b) => a.lastEventMs - b.lastEventMs || (a.state.key < b.state.key ? 1 : -1))
      .slice(0, query.limit);
    const instances = entries.map((e) => e.state);
    const last = entries.length === query.limit ? entries[query.limit - 1] : undefined;
    if (last === undefined) return { instances };
    const next = { lastEventAt: new Date(last.lastEventMs).toISOString(), key: last.state.key };
    return { instances, next };
  }

  async childrenOf(parent: InstanceRef): Promise<InstanceState[]> {
    const key = instanceKey(parent);
    return [...this.states.values()]
      .map((entry) => entry.state)
      .filter((s) => s.parent !== undefined && instanceKey(s.parent) === key && s.key !== key)
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async instancesByKeys(keys: readonly string[]): Promise<InstanceState[]> {
    return [...new Set(keys)].flatMap((key) => {
      const entry = this.states.get(key);
      return entry === undefined ? [] : [entry.state];
    });
  }

  async openInstanceKeys(query: OpenInstanceKeysQuery): Promise<InstanceKeyPage> {
    const terminal = ['completed', 'failed', 'cancelled'];
    const keys = [...this.states.values()]
      .map((entry) => entry.state)
      .filter((s) => !terminal.includes(s.status) && s.key > (query.after ?? ''))
      .filter((s) => query.process === undefined || s.process === query.process)
      .map((s) => s.key)
      .sort()
      .slice(0, query.limit);
    const last = keys.length === query.limit ? keys[query.limit - 1] : undefined;
    return last === undefined ? { keys } : { keys, next: last };
  }

  async instanceChanges(after: number | undefined, limit: number): Promise<ChangePage> {
    if (after === undefined) return { seq: this.changeSeq, keys: [], truncated: false };
    const changed = [...this.states.values()]
      .filter((entry) => entry.changeSeq > after)
      .sort((a, b) => a.changeSeq - b.changeSeq)
      .map((entry) => entry.state.key);
    return changePage(this.changeSeq, changed, limit, false);
  }

  private lines(file: string): string[] {
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  private indexEvent(event: FlowtrailEvent): void {
    this.events.set(event.id, event);
    const key = instanceKeyOf(event);
    let ids = this.idsByInstance.get(key);
    if (ids === undefined) this.idsByInstance.set(key, (ids = new Set()));
    ids.add(event.id);
  }

  private indexState(state: InstanceState): void {
    this.states.set(state.key, {
      state,
      words: new Set(words(state.searchText)),
      lastEventMs: Date.parse(state.lastEventAt),
      changeSeq: (this.changeSeq += 1),
    });
  }
}
