/**
 * Which stored events become events of an exported log (XES, OCEL), with their activity
 * and lifecycle transition. Pure. Steps and custom business events are exported;
 * process-level, message, expectation and owner events are not (they are the trace
 * itself, or not activities). Starts the importer derived (`data.derivedStart`) are left
 * out unless asked for, so an imported log exports as it came in.
 */
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { orderEvents } from '../instance/event-order.ts';
import { LIFECYCLE_EVENT_PREFIX } from './to-flowtrail-events.ts';

export interface ExportedStep {
  event: FlowtrailEvent;
  activity: string;
  /** XES standard lifecycle transition. */
  lifecycle: string;
}

export interface ExportSelection {
  /** Also export starts derived at import (default false). */
  includeDerivedStarts?: boolean;
}

const LIFECYCLE_OF: Record<string, string> = {
  [EventTypes.stepStarted]: 'start',
  [EventTypes.stepCompleted]: 'complete',
  [EventTypes.stepFailed]: 'ate_abort',
  [EventTypes.stepWaiting]: 'suspend',
};

function toStep(event: FlowtrailEvent, selection: ExportSelection): ExportedStep | undefined {
  const lifecycle = LIFECYCLE_OF[event.type];
  if (lifecycle !== undefined && event.ftstep !== undefined) {
    const derived = event.data.derivedStart === true;
    if (derived && selection.includeDerivedStarts !== true) return undefined;
    return { event, activity: event.ftstep, lifecycle };
  }
  if (event.type.startsWith(LIFECYCLE_EVENT_PREFIX) && event.ftstep !== undefined) {
    const transition = event.type.slice(LIFECYCLE_EVENT_PREFIX.length);
    return { event, activity: event.ftstep, lifecycle: transition };
  }
  if (event.type.startsWith('flowtrail.')) return undefined;
  return { event, activity: event.ftstep ?? event.type, lifecycle: 'complete' };
}

/** The exported events of one instance, in the fold's order (time, phase, id). */
export function exportedSteps(
  events: readonly FlowtrailEvent[],
  selection: ExportSelection = {},
): ExportedStep[] {
  return orderEvents(events).flatMap((event) => {
    const step = toStep(event, selection);
    return step === undefined ? [] : [step];
  });
}

/** The earliest `process.started` of an instance, whose data holds the case attributes. */
export function processStartOf(events: readonly FlowtrailEvent[]): FlowtrailEvent | undefined {
  return orderEvents(events).find((event) => event.type === EventTypes.processStarted);
}
