/**
 * The re-trigger rung's command: from a finding to the `flowtrail.command.resend` that
 * asks the system that must act — resending, with receivers ignoring duplicates, makes
 * delivery reliable over an unreliable transport (docs/commands.md):
 * - `missing-subprocess` → B, the parent that registered the expectation, resends the start;
 * - `lost-completion`    → C, the child that completed, resends its completion;
 * - `stuck`              → the stuck instance's own system resends what it waits for.
 * A finding may name the target itself in `details.resend` ({system, what, instanceKey,
 * expectationId?, messageId?}); the consistency rules do. Pure: the clock and the id
 * generator are arguments.
 */
import {
  COMMAND_SOURCE,
  CommandTypes,
  parseInstanceKey,
  type InstanceRef,
  type ResendCommand,
  type ResendCommandData,
} from '@flowtrail/sdk/protocol';
import { findingId, type Finding, type JsonValue } from '../detection/finding.ts';

/** The members of a finding the command is built from. */
export type ResendFinding = Pick<Finding, 'kind' | 'instanceKey' | 'source' | 'details'> &
  Partial<Pick<Finding, 'process' | 'step' | 'relatedKeys'>> & {
    /** The finding's id; computed with `findingId()` when absent. */
    id?: string;
  };

interface Target {
  ref: InstanceRef;
  /** Whether the target is the finding's own instance (then the finding's step is its). */
  subject: boolean;
  what: string;
  expectationId?: string;
  messageId?: string;
}

const DEFAULT_WHAT: Partial<Record<Finding['kind'], string>> = {
  'missing-subprocess': 'start',
  'lost-completion': 'completion',
  stuck: 'message',
};

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function safeParse(key: string): InstanceRef | undefined {
  try {
    return parseInstanceKey(key);
  } catch {
    return undefined; // malformed %-encoding
  }
}

function targetOf(finding: ResendFinding): Target | undefined {
  const { details } = finding;
  const resend = details.resend;
  const hint =
    typeof resend === 'object' && resend !== null && !Array.isArray(resend) ? resend : {};
  const what = str(hint.what) ?? DEFAULT_WHAT[finding.kind];
  if (what === undefined) return undefined; // orphan, duplicate…: nobody can resend
  // The subject of a missing-subprocess finding is the parent B, of a lost completion the
  // child C: the instance the finding is about is the one that must act.
  const key = str(hint.instanceKey) ?? finding.instanceKey;
  const ref = safeParse(key);
  if (ref === undefined || ref.source === '' || ref.process === '' || ref.instance === '') {
    return undefined;
  }
  const system = str(hint.system);
  if (system !== undefined && system !== ref.source) return undefined; // contradictory
  const target: Target = { ref, subject: key === finding.instanceKey, what };
  const expectationId = str(hint.expectationId) ?? str(details.expectationId);
  const messageId = str(hint.messageId) ?? str(details.messageId);
  if (expectationId !== undefined) target.expectationId = expectationId;
  if (messageId !== undefined) target.messageId = messageId;
  return target;
}

/** A command id that is the same for the same (finding, attempt): several collectors
 * re-triggering the same finding publish one id, which the SDK handles once. */
export function deterministicCommandId(findingIdValue: string, attempt: number): string {
  return `resend/${findingIdValue}/attempt:${attempt}`;
}

/**
 * The resend command of `finding`'s re-trigger number `attempt` (1..n), or undefined when
 * the finding names no system that could resend (orphan, duplicate, divergence,
 * nonconformance, or an unparseable instance key).
 */
export function buildResendCommand(
  finding: ResendFinding,
  attempt: number,
  now: Date,
  newId: () => string,
): ResendCommand | undefined {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  }
  const target = targetOf(finding);
  if (target === undefined) return undefined;
  const data: ResendCommandData = {
    reason: finding.kind,
    what: target.what,
    findingId: finding.id ?? findingId(finding as Finding), // reads kind, key, step, details
    attempt,
  };
  if (target.expectationId !== undefined) data.expectationId = target.expectationId;
  if (target.messageId !== undefined) data.messageId = target.messageId;
  if (finding.step !== undefined && target.subject) data.step = finding.step;
  return {
    specversion: '1.0',
    id: newId(),
    source: COMMAND_SOURCE,
    type: CommandTypes.resend,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    fttarget: target.ref.source,
    ftprocess: target.ref.process,
    ftinstance: target.ref.instance,
    data,
  };
}
