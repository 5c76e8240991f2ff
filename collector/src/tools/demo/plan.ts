/**
 * The plan of one demo order: which system does what, when. Produced by the pure
 * scenario generator (scenario.ts), executed through the SDK by the runner (runner.ts).
 *
 * Handles are the three process instances of one order (`order` in shop, `payment` in
 * payments, `shipment` in logistics). Messages and expectations are named by plan-local
 * keys; the runner maps them to the real headers and expectation ids the SDK returns.
 *
 * A repairable fault (a lost request or a lost completion) does not end the plan: the rest
 * of the order is planned as usual but HELD (`held` actions, `repair` says who must act):
 * the runner runs it only when that system receives the collector's resend command for
 * the instance (repair-desk.ts), shifted to the moment the command arrived — the first
 * held action is the resent message.
 */

export const SYSTEMS = ['shop', 'payments', 'logistics'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export type HandleName = 'order' | 'payment' | 'shipment';

/** Faults the generator can inject (see scenario.ts for what each one does). */
export const FAULT_KINDS = [
  'lost-message',
  'lost-completion',
  'late-message',
  'duplicate-delivery',
  'stuck-wait',
  'failed-step',
  'failed-process',
  'cancelled-process',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults after which the order cannot complete; at most one per order. */
export const TERMINAL_FAULTS: readonly FaultKind[] = [
  'lost-message',
  'lost-completion',
  'stuck-wait',
  'failed-process',
  'cancelled-process',
];

export interface PlannedError {
  message: string;
  code: string;
}

/** What one action does on its handle. */
export type DemoOp =
  | { op: 'start'; deadline?: Date }
  | { op: 'complete' }
  | { op: 'fail'; error: PlannedError }
  | { op: 'cancel'; reason: string }
  | { op: 'step-start'; step: string; owner?: string; deadline?: Date }
  | { op: 'step-complete'; step: string }
  | { op: 'step-fail'; step: string; error: PlannedError }
  | { op: 'step-waiting'; step: string; for: string; deadline: Date }
  /** `peer` is expected to run `process` for this instance. */
  | { op: 'expect'; expectation: string; peer: SystemName; process: string; deadline: Date }
  | { op: 'fulfil'; expectation: string }
  /** `resend`: the repeat of a lost message, sent in answer to a resend command. */
  | {
      op: 'send';
      message: string;
      to: SystemName;
      expectation?: string;
      name: string;
      resend?: true;
    }
  | { op: 'receive'; message: string }
  /** Re-deliver the very event (same id) that action number `of` emitted. */
  | { op: 'redeliver'; of: number };

export type DemoAction = DemoOp & {
  /** When it happens (the event time). */
  at: Date;
  system: SystemName;
  handle: HandleName;
  /** Runs only after the plan's `repair` command arrived (times shifted to then). */
  held?: true;
};

/** The resend a held plan waits for: the command `system` gets for `handle`'s instance. */
export interface PlannedRepair {
  system: SystemName;
  handle: HandleName;
  /** The command's `data.what`: `start` (a lost request) or `completion` (a lost result). */
  what: 'start' | 'completion';
}

export interface PlannedInstance {
  system: SystemName;
  process: string;
  instance: string;
  owner: string;
  /** Plan-local key of the message whose headers start this instance (a subprocess). */
  parentFrom?: string;
}

export interface DemoPlan {
  index: number;
  orderId: string;
  customerId: string;
  /** W3C traceparent of the order (no OpenTelemetry SDK runs in the demo). */
  traceparent: string;
  instances: Record<HandleName, PlannedInstance>;
  /** Sorted by `at` (stable: equal times keep their causal order). */
  actions: DemoAction[];
  /** The faults actually injected into this order. */
  faults: FaultKind[];
  /** Present when the order's rest is held until a resend command (`held` actions). */
  repair?: PlannedRepair;
}
