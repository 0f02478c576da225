import type { ServiceCaller } from './read-options';

/** One page of a list operation, as its caller maps the service's answer. */
export interface Page<T> {
  readonly items?: readonly T[];
  /** Absent or empty on the last page. */
  readonly nextToken?: string;
}

/** Every item of a paged list operation, each page one call under `call` (retried, counted). */
export async function allPages<T>(operation: string, call: ServiceCaller, page: (nextToken?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const answer = await call(operation, () => page(token));
    items.push(...(answer.items ?? []));
    token = answer.nextToken || undefined;
  } while (token);
  return items;
}
