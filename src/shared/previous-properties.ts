import { ProviderEvent } from './provider-events';

/**
 * The previous properties of an Update, read leniently: they were accepted when deployed, and a rule
 * tightened since must not block every later update or rollback. Unreadable ones count as absent
 * (nothing to remove), and the log says why.
 */
export function previousProperties<T>(
  event: ProviderEvent, parse: (raw: unknown) => T, log: (entry: Record<string, unknown>) => void,
): T | undefined {
  try {
    return parse(event.OldResourceProperties);
  } catch (error) {
    log({ note: `previous properties ignored: ${(error as Error).message}` });
    return undefined;
  }
}
