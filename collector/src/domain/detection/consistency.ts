/**
 * Inconsistent across systems (docs/detection.md): the rules the consistency seeker
 * applies to one family (family.ts) — a parent B, the children C it started in other
 * systems, or the children of a parent nobody has seen. Pure: a function of (family,
 * definitions, events, now); no IO, no clock.
 *
 * | kind               | file                         | about | resend asked of |
 * |--------------------|------------------------------|-------|-----------------|
 * | missing-subprocess | consistency-expectations.ts  | B     | B (the start)   |
 * | lost-completion    | consistency-expectations.ts  | C     | C (completion)  |
 * | orphan             | consistency-orphan.ts        | C     | —               |
 * | duplicate          | consistency-duplicate.ts     | C / the instance | —    |
 * | divergence         | consistency-divergence.ts    | C     | —               |
 * | nonconformance     | conformance.ts               | the instance | —        |
 *
 * Every condition must hold for `graceMs` (default 30 s) before it is a finding, and
 * `since` is when it began plus the grace — never `now` — so the same facts always give
 * the same findings. Single-instance rules (duplicate business actions,
 * nonconformance) look at the family's parent only: every instance is the parent of
 * exactly one family, so each is checked once.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { detectNonconformance } from './conformance.ts';
import {
  DEFAULT_GRACE_MS,
  definitionFor,
  type ConsistencyOptions,
  type RuleContext,
} from './consistency-context.ts';
import { detectDivergences } from './consistency-divergence.ts';
import { detectDuplicateActions, detectDuplicateSubprocesses } from './consistency-duplicate.ts';
import { detectExpectationFindings } from './consistency-expectations.ts';
import { linkChildren } from './consistency-links.ts';
import { detectOrphans } from './consistency-orphan.ts';
import { nowMs } from './consistency-time.ts';
import type { Family } from './family.ts';
import { findingId, type Finding } from './finding.ts';

export type { ConsistencyOptions, DetectionDefinition } from './consistency-context.ts';
export { DEFAULT_GRACE_MS } from './consistency-context.ts';

function contextOf(options: ConsistencyOptions): RuleContext {
  const definitions = options.definitions ?? [];
  return {
    now: nowMs(options.now),
    graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
    definitionOf: (process, source) => definitionFor(definitions, process, source),
    eventsOf: (key) => options.events?.get(key),
  };
}

function compareFindings(a: Finding, b: Finding): number {
  const [x, y] = [findingId(a), findingId(b)];
  return x < y ? -1 : x > y ? 1 : a.summary < b.summary ? -1 : a.summary > b.summary ? 1 : 0;
}

/** The findings of one family, sorted by `findingId`. */
export function detectInconsistencies(family: Family, options: ConsistencyOptions): Finding[] {
  const ctx = contextOf(options);
  const findings = [...detectOrphans(family, ctx)];
  const { parent } = family;
  if (parent !== undefined) {
    const links = linkChildren(parent, family.children);
    findings.push(
      ...detectExpectationFindings(parent, links.links, ctx),
      ...detectDuplicateSubprocesses(parent, links.links, ctx),
      ...detectDivergences(parent, links, ctx),
    );
    const events: readonly FlowtrailEvent[] | undefined = ctx.eventsOf(parent.key);
    if (events !== undefined) findings.push(...detectDuplicateActions(parent, events, ctx));
    const definition = ctx.definitionOf(parent.process, parent.source);
    if (definition !== undefined) {
      findings.push(
        ...detectNonconformance(parent, definition, {
          now: ctx.now,
          graceMs: ctx.graceMs,
          ...(events === undefined ? {} : { events }),
        }),
      );
    }
  }
  return findings.sort(compareFindings);
}

/** The findings of many families (e.g. `familiesOf(states)`), sorted by `findingId`. */
export function detectAllInconsistencies(
  families: readonly Family[],
  options: ConsistencyOptions,
): Finding[] {
  return families.flatMap((family) => detectInconsistencies(family, options)).sort(compareFindings);
}
