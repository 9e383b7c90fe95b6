/**
 * Groups an iterable's items into arrays of at most `size`. An asynchronous source's batch is cut
 * short whenever its next item is not ready at once, so a slow producer's items start promptly.
 */
export async function* requestBatches<T>(
  items: Iterable<T> | AsyncIterable<T>,
  size: number,
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  if (!(Symbol.asyncIterator in items)) {
    for (const item of items) {
      batch.push(item);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  const iterator = items[Symbol.asyncIterator]();
  const idle = Symbol("idle");
  let pending = iterator.next();
  while (true) {
    const next =
      batch.length === 0
        ? await pending
        : await Promise.race([
            pending,
            new Promise<typeof idle>((resolve) => setImmediate(resolve, idle)),
          ]);
    if (next === idle) {
      yield batch;
      batch = [];
      continue;
    }
    if (next.done) break;
    batch.push(next.value);
    pending = iterator.next();
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
