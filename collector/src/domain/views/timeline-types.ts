/**
 * The shapes of the end-to-end timeline (`buildTimeline`, timeline.ts): its input and
 * everything it computes. Every time is normalized ISO-8601 UTC.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { Alert } from '../alerts/alert.ts';
import type { InstanceState } from '../instance/instance-state.ts';
import type { TimelineMarker } from './timeline-markers.ts';

export interface TimelineInput {
  root: InstanceState;
  related: readonly InstanceState[];
  /** Events per instance key (instances without an entry have no bars). */
  events: ReadonlyMap<string, readonly FlowtrailEvent[]>;
  alerts: readonly Alert[];
  now: string;
  /** Idle periods between step bars longer than this are gaps (default 5 minutes). */
  gapThresholdMs?: number;
}

export interface TimelineLane {
  system: string;
  /** Instance keys on this lane, by first event. */
  instances: string[];
}

/** `abandoned`: an attempt still open when its instance ended. */
export type BarStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'abandoned';

export interface TimelineBar {
  lane: string;
  instanceKey: string;
  step: string;
  owner?: string;
  /** Start of the attempt (its end when the start is unknown). */
  start: string;
  /** Absent while open: the bar extends to the timeline's `end`. */
  end?: string;
  open: boolean;
  status: BarStatus;
  /** 1-based attempt number of the step within its instance. */
  attempt: number;
  /** On the critical path (timeline-critical.ts). */
  critical?: true;
}

export interface TimelineWait {
  lane: string;
  instanceKey: string;
  step: string;
  for?: string;
  start: string;
  /** Absent while the wait is open. */
  end?: string;
  deadline?: string;
}

export interface TimelineGap {
  lane: string;
  instanceKey: string;
  start: string;
  end: string;
}

export interface ArrowEnd {
  lane: string;
  time: string;
  instanceKey: string;
}

export interface TimelineArrow {
  messageId: string;
  /** Absent when the message was received but its sending is not in view. */
  from?: ArrowEnd;
  /** Absent when the message was sent but never received: a lost message. */
  to?: ArrowEnd;
  /** `data.to` of the sent message (the target system, also for a lost message). */
  toSystem?: string;
  /**
   * The resend command this message answered (`data.attributes.resendFor` of the sent
   * event, as the demo's systems set it): the self-repair on the timeline.
   */
  resendFor?: string;
  /** Received minus sent, ms (both ends in view): the time it spent in transit. */
  transitMs?: number;
  /** On the critical path (timeline-critical.ts). */
  critical?: true;
}

export interface TimelineLink {
  parent: string;
  child: string;
  expectationId?: string;
}

export interface Timeline {
  rootKey: string;
  start: string;
  end: string;
  lanes: TimelineLane[];
  bars: TimelineBar[];
  waits: TimelineWait[];
  gaps: TimelineGap[];
  arrows: TimelineArrow[];
  links: TimelineLink[];
  markers: TimelineMarker[];
}
