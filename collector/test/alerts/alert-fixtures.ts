/** Findings and alerts for the alert tests: small, explicit, plain JSON. */
import { randomBytes } from 'node:crypto';
import { newAlert, type Alert } from '../../src/domain/alerts/alert.ts';
import type { Finding, FindingKind } from '../../src/domain/detection/finding.ts';

/** A short random tag, so names of one run never meet those of another in a shared store. */
export function tag(): string {
  return randomBytes(3).toString('hex');
}

export const T0 = Date.parse('2026-03-02T10:00:00Z');

/** The instant `s` seconds after T0, as a Date. */
export const at = (s: number): Date => new Date(T0 + s * 1000);

/** The instant `s` seconds after T0, as ISO text. */
export const iso = (s: number): string => at(s).toISOString();

export interface FindingInit {
  kind?: FindingKind;
  source?: string;
  process?: string;
  instance?: string;
  step?: string;
  owner?: string;
  since?: string;
  summary?: string;
  relatedKeys?: string[];
  expectationId?: string;
}

export function makeFinding(init: FindingInit = {}): Finding {
  const source = init.source ?? 'shop';
  const process = init.process ?? 'order-fulfilment';
  const instance = init.instance ?? 'o-1';
  return {
    kind: init.kind ?? 'stuck',
    instanceKey: [source, process, instance].map(encodeURIComponent).join('/'),
    relatedKeys: init.relatedKeys ?? [],
    process,
    source,
    ...(init.step === undefined ? {} : { step: init.step }),
    ...(init.owner === undefined ? {} : { owner: init.owner }),
    since: init.since ?? iso(-600),
    summary: init.summary ?? `${init.kind ?? 'stuck'} ${instance}`,
    details: init.expectationId === undefined ? {} : { expectationId: init.expectationId },
  };
}

/** A stored-looking alert: a new alert of the finding, fields overridden. */
export function makeAlert(init: FindingInit = {}, overrides: Partial<Alert> = {}): Alert {
  return { ...newAlert(makeFinding(init), iso(0)), ...overrides };
}
