import { OTA_SCHEDULE_TIME_PATTERN } from './ota-task-rules';
import { show } from '../shared/constraints';

const FORM = new RegExp(OTA_SCHEDULE_TIME_PATTERN);
const ZONE = /(Z|[+-]\d{2}:\d{2})$/;

/**
 * How a scheduling time breaks the form the service's guide shows (`2024-10-23T17:00`), or
 * undefined. The construct and the handler both use it, so both say the same.
 */
export function scheduleTimeViolation(field: string, value: string): string | undefined {
  if (FORM.test(value)) return undefined;
  return `${field} must be a date-time such as 2027-01-15T02:00 (seconds and a zone optional), got ${show(value)}`;
}

/**
 * How `endTime` at or before `startTime` breaks the schedule, or undefined. A rollout that ends
 * before it starts cannot reach a device; the model states no order, so this is the library's own rule.
 *
 * The guide does not say how the service reads a time without a zone, so such a time is compared
 * only with another one without a zone (both are then read the same way); a pair with and without
 * a zone is left to the service. Values not in the form are left to scheduleTimeViolation.
 */
export function scheduleOrderViolation(startTime: string | undefined, endTime: string | undefined): string | undefined {
  if (startTime === undefined || endTime === undefined || !FORM.test(startTime) || !FORM.test(endTime)) return undefined;
  if (ZONE.test(startTime) !== ZONE.test(endTime)) return undefined;
  const instant = (text: string) => Date.parse(ZONE.test(text) ? text : `${text}Z`);
  const start = instant(startTime);
  const end = instant(endTime);
  if (Number.isNaN(start) || Number.isNaN(end) || end > start) return undefined;
  return `scheduling.endTime must be later than scheduling.startTime, got startTime ${show(startTime)} and endTime ${show(endTime)}`;
}
