import type { Condition, EventPattern } from '../campaigns/campaign';
import type { PipelineEvent } from '../contract/pipeline-event';

/**
 * Whether an event matches a campaign's event pattern: one of its types, and every `where` condition
 * on `properties.<field>` holds. A dotted field (`traits.plan`) reads a nested property. A property the
 * event does not carry fails every condition except `exists: false`.
 */
export const matchesEvent = (event: Pick<PipelineEvent, 'type' | 'properties'>, pattern: EventPattern | undefined): boolean => {
  if (!pattern) return false; // a date trigger: no event starts it
  const types = Array.isArray(pattern.type) ? pattern.type : [pattern.type];
  if (!types.includes(event.type)) return false;
  return Object.entries(pattern.where ?? {}).every(([field, condition]) => holds(propertyOf(event, field), condition));
};

/** The value of `properties.<field>` (dotted for nested objects), or undefined. */
export const propertyOf = (event: Pick<PipelineEvent, 'properties'>, field: string): unknown => {
  let value: unknown = event.properties;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
};

/** Whether a value meets a condition (a `where` entry, or an audience's `customEventValue`). */
export const holds = (value: unknown, condition: Condition): boolean => {
  if ('exists' in condition) return (value !== undefined && value !== null) === condition.exists;
  if ('equals' in condition) return value === condition.equals;
  if ('in' in condition) return (typeof value === 'string' || typeof value === 'number') && condition.in.includes(value);
  if ('gte' in condition) return typeof value === 'number' && value >= condition.gte;
  if ('lte' in condition) return typeof value === 'number' && value <= condition.lte;
  return false;
};
