/**
 * `map` with at most `limit` calls in flight: a stack may hold hundreds of tasks, and reading them
 * all at once would only meet the services' throttling. Results keep the input's order.
 */
export async function boundedMap<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
