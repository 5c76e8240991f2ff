/** Hand-made instances for the consistency rule tests: events folded into states. */
import {
  EventTypes as T,
  instanceKey,
  type EventData,
  type FlowtrailEvent,
  type ParentLink,
} from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';

const T0 = Date.parse('2024-03-01T10:00:00Z');

/** The instant `s` seconds after 10:00:00Z on the test day. */
export const t = (s: number): string => new Date(T0 + s * 1000).toISOString();

let counter = 0;

export class Inst {
  readonly events: FlowtrailEvent[] = [];
  readonly key: string;

  constructor(
    readonly source: string,
    readonly process: string,
    readonly instance: string,
  ) {
    this.key = instanceKey({ source, process, instance });
  }

  link(expectationId?: string): ParentLink {
    const ref = { source: this.source, process: this.process, instance: this.instance };
    return expectationId === undefined ? ref : { ...ref, expectationId };
  }

  emit(type: string, s: number, data: EventData = {}, step?: string, id?: string): this {
    counter += 1;
    const event: FlowtrailEvent = {
      specversion: '1.0',
      id: id ?? `e-${counter}`,
      source: this.source,
      type,
      time: t(s),
      ftprocess: this.process,
      ftinstance: this.instance,
      ftowner: `team-${this.source}`,
      data,
    };
    if (step !== undefined) event.ftstep = step;
    this.events.push(event);
    return this;
  }

  start(s: number, parent?: ParentLink): this {
    return this.emit(T.processStarted, s, parent ? { parent } : {});
  }
  complete(s: number): this {
    return this.emit(T.processCompleted, s);
  }
  fail(s: number): this {
    return this.emit(T.processFailed, s, { error: { message: 'boom' } });
  }
  cancel(s: number): this {
    return this.emit(T.processCancelled, s);
  }
  stepStart(s: number, step: string): this {
    return this.emit(T.stepStarted, s, {}, step);
  }
  stepDone(s: number, step: string): this {
    return this.emit(T.stepCompleted, s, {}, step);
  }
  stepFail(s: number, step: string): this {
    return this.emit(T.stepFailed, s, { error: { message: `${step} failed` } }, step);
  }
  expect(s: number, id: string, system: string, process: string, deadlineS?: number): this {
    const deadline = deadlineS === undefined ? {} : { deadline: t(deadlineS) };
    return this.emit(T.expectationRegistered, s, {
      expectationId: id,
      system,
      process,
      ...deadline,
    });
  }
  fulfil(s: number, id: string): this {
    return this.emit(T.expectationFulfilled, s, { expectationId: id });
  }
  custom(s: number, type: string, attributes: Record<string, unknown>, id?: string): this {
    return this.emit(type, s, { attributes }, undefined, id);
  }
  state(): InstanceState {
    return foldInstance(this.events);
  }
}

/** shop/order o-1 and builders of its payments/payment children. */
export const order = (instance = 'o-1'): Inst => new Inst('shop', 'order', instance);
export const payment = (instance = 'p-1'): Inst => new Inst('payments', 'payment', instance);
