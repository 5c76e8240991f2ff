/**
 * Stored Flowtrail events → an OCEL 2.0 JSON log. Pure (`buildOcel`); `writeOcel`
 * collects an event source first.
 *
 * - Objects: one per process instance (type = the process name, id = the instance key
 *   `source/process/instance`, attributes `source`, `status`, `owner` and the case
 *   attributes) and one per business-key value (type = the key name, e.g. `orderId`,
 *   id = `orderId:4711`), shared by every instance that carries it. The instance relates
 *   to its business-key objects (qualifier = key name) and to its parent instance when
 *   that is in the export (qualifier `parent`). `caseId` equal to the instance id is not
 *   repeated as an object.
 * - Events: the exported steps (`exported-steps.ts`): type = the activity, with the
 *   lifecycle in brackets unless `complete` (`decide`, `decide (start)`); attributes
 *   `lifecycle`, `resource` (`ftowner`), `source` and the event's scalar
 *   `data.attributes`; relationships to the instance object (qualifier `instance`) and to
 *   the instance's business-key objects (qualifier = key name).
 * - Attribute types are declared per event/object type; a name seen with different kinds
 *   is declared `string` (or `float` for integer + float) and its values converted.
 *   Times are UTC ISO 8601.
 */
import { instanceKey, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../instance/fold.ts';
import { kindOf, scalarOf, widenKind, type AttributeKind } from './attribute-kind.ts';
import { exportedSteps, processStartOf, type ExportSelection } from './exported-steps.ts';
import { instanceGroups, type EventSource } from './instance-groups.ts';
import type { OcelLog, OcelObject, OcelType, OcelValue } from './ocel-model.ts';

export type OcelWriteOptions = ExportSelection;

type Declarations = Map<string, Map<string, AttributeKind>>;

function utc(time: string): string {
  return new Date(time).toISOString();
}

function declare(decls: Declarations, type: string, name: string, value: OcelValue): void {
  const attributes = decls.get(type) ?? new Map<string, AttributeKind>();
  decls.set(type, attributes);
  const kind = kindOf(value) ?? 'string';
  const known = attributes.get(name);
  attributes.set(name, known === undefined ? kind : widenKind(known, kind));
}

function coerce(value: OcelValue, kind: AttributeKind | undefined): OcelValue {
  if (kind === 'time' && typeof value === 'string') return utc(value);
  if (kind === 'float' || kind === 'integer') return Number(value);
  if (kind === 'boolean') return value;
  return String(value);
}

function typesOf(decls: Declarations): OcelType[] {
  return [...decls].map(([name, attributes]) => ({
    name,
    attributes: [...attributes].map(([attribute, type]) => ({ name: attribute, type })),
  }));
}

export function businessKeyObjectId(key: string, value: string): string {
  return `${key}:${value}`;
}

/** The OCEL 2.0 log of instances given as event groups (one array per instance). */
export function buildOcel(
  groups: Iterable<readonly FlowtrailEvent[]>,
  options: OcelWriteOptions = {},
): OcelLog {
  const eventDecls: Declarations = new Map();
  const objectDecls: Declarations = new Map();
  const objects = new Map<string, OcelObject>();
  const parents: { child: OcelObject; parentId: string }[] = [];
  const log: OcelLog = { objectTypes: [], eventTypes: [], objects: [], events: [] };

  for (const events of groups) {
    if (events.length === 0) continue;
    const state = foldInstance(events);
    const since = utc(state.startedAt ?? state.firstEventAt);
    const instance: OcelObject = {
      id: state.key,
      type: state.process,
      attributes: [],
      relationships: [],
    };
    objectDecls.set(state.process, objectDecls.get(state.process) ?? new Map());
    const setAttribute = (name: string, value: unknown, time: string): void => {
      const scalar = scalarOf(value);
      declare(objectDecls, state.process, name, scalar);
      instance.attributes.push({ name, value: scalar, time });
    };
    setAttribute('source', state.source, since);
    setAttribute('status', state.status, utc(state.endedAt ?? state.lastEventAt));
    if (state.owner !== undefined) setAttribute('owner', state.owner, utc(state.lastEventAt));
    for (const [name, value] of Object.entries(processStartOf(events)?.data.attributes ?? {})) {
      setAttribute(name, value, since);
    }
    objects.set(instance.id, instance);
    if (state.parent !== undefined)
      parents.push({ child: instance, parentId: instanceKey(state.parent) });

    const keyRelations = Object.entries(state.businessKeys)
      .filter(([key, value]) => !(key === 'caseId' && value === state.instance))
      .map(([key, value]) => {
        const id = businessKeyObjectId(key, value);
        if (!objects.has(id)) {
          objects.set(id, { id, type: key, attributes: [], relationships: [] });
          objectDecls.set(key, objectDecls.get(key) ?? new Map());
        }
        return { objectId: id, qualifier: key };
      });
    instance.relationships.push(...keyRelations);

    for (const { event, activity, lifecycle } of exportedSteps(events, options)) {
      const type = lifecycle === 'complete' ? activity : `${activity} (${lifecycle})`;
      eventDecls.set(type, eventDecls.get(type) ?? new Map());
      const attributes: { name: string; value: OcelValue }[] = [];
      const add = (name: string, value: unknown): void => {
        const scalar = scalarOf(value);
        declare(eventDecls, type, name, scalar);
        attributes.push({ name, value: scalar });
      };
      add('lifecycle', lifecycle);
      add('source', event.source);
      if (event.ftowner !== undefined) add('resource', event.ftowner);
      for (const [name, value] of Object.entries(event.data.attributes ?? {})) add(name, value);
      log.events.push({
        id: event.id,
        type,
        time: utc(event.time),
        attributes,
        relationships: [{ objectId: instance.id, qualifier: 'instance' }, ...keyRelations],
      });
    }
  }

  for (const { child, parentId } of parents) {
    if (objects.has(parentId))
      child.relationships.push({ objectId: parentId, qualifier: 'parent' });
  }
  log.objects = [...objects.values()].map((object) => {
    const kinds = objectDecls.get(object.type);
    const attributes = object.attributes.map((a) => ({
      ...a,
      value: coerce(a.value, kinds?.get(a.name)),
    }));
    return { ...object, attributes };
  });
  log.events = log.events.map((event) => {
    const kinds = eventDecls.get(event.type);
    const attributes = event.attributes.map((a) => ({
      ...a,
      value: coerce(a.value, kinds?.get(a.name)),
    }));
    return { ...event, attributes };
  });
  log.objectTypes = typesOf(objectDecls);
  log.eventTypes = typesOf(eventDecls);
  return log;
}

/** The OCEL 2.0 log of `source` (collected in memory: OCEL is one JSON document). */
export async function writeOcel(
  source: EventSource,
  options: OcelWriteOptions = {},
): Promise<OcelLog> {
  const groups: (readonly FlowtrailEvent[])[] = [];
  for await (const group of instanceGroups(source)) groups.push(group);
  return buildOcel(groups, options);
}
