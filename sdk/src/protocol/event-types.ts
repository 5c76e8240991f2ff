/** The `flowtrail.*` event types of protocol v1 (see docs/events.md). */
export const EventTypes = {
  processStarted: 'flowtrail.process.started',
  processCompleted: 'flowtrail.process.completed',
  processFailed: 'flowtrail.process.failed',
  processCancelled: 'flowtrail.process.cancelled',
  stepStarted: 'flowtrail.step.started',
  stepCompleted: 'flowtrail.step.completed',
  stepFailed: 'flowtrail.step.failed',
  stepWaiting: 'flowtrail.step.waiting',
  messageSent: 'flowtrail.message.sent',
  messageReceived: 'flowtrail.message.received',
  expectationRegistered: 'flowtrail.expectation.registered',
  expectationFulfilled: 'flowtrail.expectation.fulfilled',
  ownerAssigned: 'flowtrail.owner.assigned',
} as const;

export type FlowtrailEventType = (typeof EventTypes)[keyof typeof EventTypes];

const known = new Set<string>(Object.values(EventTypes));

/** Prefix reserved for Flowtrail's own types; any other type is a custom business event. */
export const FLOWTRAIL_TYPE_PREFIX = 'flowtrail.';

export function isFlowtrailType(type: string): type is FlowtrailEventType {
  return known.has(type);
}

export function isStepType(type: string): boolean {
  return type.startsWith('flowtrail.step.');
}
