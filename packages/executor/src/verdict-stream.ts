/**
 * A stream of items, pushed by a producer and read once: by `for await` (a lean iterator: one
 * promise per item, no generator), or, between this package's wrappers, by `subscribe`, which hands
 * each item over synchronously. `onClose` runs once when a reader stops early.
 */
export class VerdictStream<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #ended = false;
  #error: unknown;
  #reported = false;
  #waiting:
    | { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }
    | undefined;
  #subscriber: { item: (item: T) => void; end: (error?: unknown) => void } | undefined;
  readonly #onClose: () => void;

  constructor(onClose: () => void = () => {}) {
    this.#onClose = onClose;
  }

  /** Adds an item (ignored after `end`). */
  push(item: T): void {
    if (this.#ended) return;
    if (this.#subscriber !== undefined) {
      this.#subscriber.item(item);
      return;
    }
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting.resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
  }

  /** Ends the stream; with an error, the reader gets it after the items before it. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    if (this.#subscriber !== undefined) {
      this.#subscriber.end(error);
      return;
    }
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    this.#waiting = undefined;
    if (error === undefined) waiting.resolve({ value: undefined, done: true });
    else {
      this.#reported = true;
      waiting.reject(error);
    }
  }

  /** Reads by callback instead of iteration: the items so far at once, then each as pushed. */
  subscribe(item: (item: T) => void, end: (error?: unknown) => void): void {
    for (; this.#head < this.#items.length; this.#head++) item(this.#items[this.#head]!);
    this.#items = [];
    this.#head = 0;
    if (this.#ended) {
      end(this.#error);
      return;
    }
    this.#subscriber = { item, end };
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const item = this.#items[this.#head]!;
      this.#items[this.#head++] = undefined as T;
      if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#ended) {
      if (this.#error !== undefined && !this.#reported) {
        this.#reported = true;
        return Promise.reject(this.#error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#items = [];
    this.#head = 0;
    this.#onClose();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
