/**
 * Writes the events of the detection scenario (consistency-scenario.ts): instants are
 * milliseconds relative to the scenario's `now`; each system's events carry that
 * system's clock skew and its own time format (UTC with milliseconds, or a +01:00
 * offset), as real systems do. Event ids are unique and deterministic. Pure.
 */
import {
  EventTypes as T,
  instanceKey,
  type EventData,
  type FlowtrailEvent,
  type ParentLink,
} from '@flowtrail/sdk/protocol';

export interface SystemClock {
  /** Added to every event time of the system. */
  skewMs: number;
  /** Offset of the written time strings, in minutes (0 = `Z`). */
  offsetMinutes: number;
}

function pad(value: number, length = 2): string {
  return String(value).padStart(length, '0');
}

/** RFC 3339 text of an instant, written at a UTC offset. */
export function formatTime(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export class ScenarioWriter {
  readonly events: FlowtrailEvent[] = [];
  private counter = 0;

  constructor(
    /** Epoch ms of the scenario's `now`. */
    readonly nowMs: number,
    private readonly clocks: Readonly<Record<string, SystemClock>>,
    private readonly idPrefix: string,
  ) {}

  /** A writer for one instance (`ago` times are ms before `now`). */
  instance(
    source: string,
    process: string,
    instance: string,
    owner: string,
    businessKeys: Record<string, string>,
  ): InstanceWriter {
    return new InstanceWriter(this, { source, process, instance }, owner, businessKeys);
  }

  /** The wall-clock text of an instant `ago` ms before now, as `source` writes it. */
  timeOf(source: string, ago: number): string {
    const clock = this.clocks[source] ?? { skewMs: 0, offsetMinutes: 0 };
    return formatTime(this.nowMs - ago + clock.skewMs, clock.offsetMinutes);
  }

  emit(event: Omit<FlowtrailEvent, 'specversion' | 'id'>): FlowtrailEvent {
    this.counter += 1;
    const full = { specversion: '1.0', id: `${this.idPrefix}-${this.counter}`, ...event };
    this.events.push(full as FlowtrailEvent);
    return full as FlowtrailEvent;
  }
}

/** One instance's events; every method takes `ago`: ms before the scenario's now. */
export class InstanceWriter {
  readonly key: string;

  constructor(
    private readonly writer: ScenarioWriter,
    readonly ref: { source: string; process: string; instance: string },
    private readonly owner: string,
    private readonly businessKeys: Record<string, string>,
  ) {
    this.key = instanceKey(ref);
  }

  /** A parent link to this instance. */
  link(expectationId?: string): ParentLink {
    return expectationId === undefined ? { ...this.ref } : { ...this.ref, expectationId };
  }

  private emit(type: string, ago: number, data: EventData = {}, step?: string): void {
    const event: Omit<FlowtrailEvent, 'specversion' | 'id'> = {
      source: this.ref.source,
      type,
      time: this.writer.timeOf(this.ref.source, ago),
      ftprocess: this.ref.process,
      ftinstance: this.ref.instance,
      ftowner: this.owner,
      data: { businessKeys: this.businessKeys, ...data },
    };
    if (step !== undefined) event.ftstep = step;
    this.writer.emit(event);
  }

  private deadline(agoDeadline: number | undefined): EventData {
    return agoDeadline === undefined
      ? {}
      : { deadline: this.writer.timeOf(this.ref.source, agoDeadline) };
  }

  start(ago: number, parent?: ParentLink): void {
    this.emit(T.processStarted, ago, parent === undefined ? {} : { parent });
  }
  complete(ago: number): void {
    this.emit(T.processCompleted, ago);
  }
  fail(ago: number, message: string, code: string): void {
    this.emit(T.processFailed, ago, { error: { message, code } });
  }
  cancel(ago: number): void {
    this.emit(T.processCancelled, ago);
  }
  stepStarted(ago: number, step: string, deadlineAgo?: number): void {
    this.emit(T.stepStarted, ago, this.deadline(deadlineAgo), step);
  }
  stepCompleted(ago: number, step: string): void {
    this.emit(T.stepCompleted, ago, {}, step);
  }
  stepFailed(ago: number, step: string, message: string, code: string): void {
    this.emit(T.stepFailed, ago, { error: { message, code } }, step);
  }
  waiting(ago: number, step: string, waitsFor: string, deadlineAgo?: number): void {
    this.emit(T.stepWaiting, ago, { for: waitsFor, ...this.deadline(deadlineAgo) }, step);
  }
  /** A step from `fromAgo` to `toAgo` (completed). */
  step(fromAgo: number, toAgo: number, step: string): void {
    this.stepStarted(fromAgo, step);
    this.stepCompleted(toAgo, step);
  }
  expect(ago: number, id: string, system: string, process: string, deadlineAgo?: number): void {
    const data = { expectationId: id, system, process, ...this.deadline(deadlineAgo) };
    this.emit(T.expectationRegistered, ago, data);
  }
  fulfil(ago: number, id: string): void {
    this.emit(T.expectationFulfilled, ago, { expectationId: id });
  }
  send(ago: number, messageId: string, to: string): void {
    this.emit(T.messageSent, ago, { messageId, to });
  }
  receive(ago: number, messageId: string, from: string): void {
    this.emit(T.messageReceived, ago, { messageId, from });
  }
  /** A custom business event. */
  custom(ago: number, type: string, attributes: Record<string, unknown>, step?: string): void {
    this.emit(type, ago, { attributes }, step);
  }
}
