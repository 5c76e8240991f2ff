/** Builds findings of the consistency rules from the instance they are about. Pure. */
import type { InstanceRef } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../instance/instance-state.ts';
import type { Finding, JsonValue } from './finding.ts';

export interface FindingParts {
  kind: Finding['kind'];
  /** The instance the finding is about (its alert is routed to this instance's owner). */
  subject: InstanceState;
  /** The other instances involved (parent, siblings…); the subject is left out. */
  related?: readonly string[];
  step?: string;
  since: string;
  summary: string;
  details: { [key: string]: JsonValue };
}

/** `source/process instance`, the way summaries name an instance. */
export function describeRef(ref: InstanceRef): string {
  return `${ref.source}/${ref.process} ${ref.instance}`;
}

export function buildFinding(parts: FindingParts): Finding {
  const { subject } = parts;
  const relatedKeys = [...new Set(parts.related ?? [])].filter((key) => key !== subject.key).sort();
  const stepOwner = subject.steps.find((step) => step.name === parts.step)?.owner;
  const owner = stepOwner ?? subject.owner;
  const finding: Finding = {
    kind: parts.kind,
    instanceKey: subject.key,
    relatedKeys,
    process: subject.process,
    source: subject.source,
    since: parts.since,
    summary: parts.summary,
    details: parts.details,
  };
  if (parts.step !== undefined) finding.step = parts.step;
  if (owner !== undefined) finding.owner = owner;
  return finding;
}
