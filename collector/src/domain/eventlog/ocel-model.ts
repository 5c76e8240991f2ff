/**
 * OCEL 2.0 JSON (https://www.ocel-standard.org/, "OCEL 2.0 Specification", JSON format):
 * event and object types with typed attribute declarations, objects with time-stamped
 * attribute values and qualified object-to-object relationships, events with attribute
 * values and qualified event-to-object relationships.
 */
import type { AttributeKind } from './attribute-kind.ts';

export type OcelValue = string | number | boolean;

export interface OcelType {
  name: string;
  attributes: { name: string; type: AttributeKind }[];
}

export interface OcelRelationship {
  objectId: string;
  qualifier: string;
}

export interface OcelObject {
  id: string;
  type: string;
  attributes: { name: string; value: OcelValue; time: string }[];
  relationships: OcelRelationship[];
}

export interface OcelEvent {
  id: string;
  type: string;
  time: string;
  attributes: { name: string; value: OcelValue }[];
  relationships: OcelRelationship[];
}

export interface OcelLog {
  objectTypes: OcelType[];
  eventTypes: OcelType[];
  objects: OcelObject[];
  events: OcelEvent[];
}
