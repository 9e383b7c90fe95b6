import { CodermError } from "@coderm/core";

/** BullMQ's key prefix, the default of every setting that names one. */
export const defaultPrefix = "bull";

/** The queue's name, the default of every setting that names one. */
export const defaultQueueName = "coderm";

/**
 * The Redis keys coderm keeps beside BullMQ's for a queue. They sit under the queue's own prefix
 * with a `coderm:` segment, which no BullMQ job key can have (job ids cannot hold a colon).
 */
export interface QueueKeys {
  /** The set of registered worker ids. */
  workers: string;
  /** A worker's record, which expires unless its heartbeat renews it. */
  worker(id: string): string;
  /** The version the fleet last announced (the fingerprint to use while no worker is up). */
  fleet: string;
  /** A suite of tests. */
  suite(id: string): string;
}

/** The keys of a queue; a queue name BullMQ cannot take is an `invalid-input` error on `queue`. */
export function queueKeys(prefix: string, queue: string): QueueKeys {
  checkQueueName(queue);
  const base = `${prefix}:${queue}:coderm`;
  return {
    workers: `${base}:workers`,
    worker: (id) => `${base}:worker:${id}`,
    fleet: `${base}:fleet`,
    suite: (id) => `${base}:suite:${id}`,
  };
}

/** Refuses a queue name BullMQ would refuse (empty, or holding a colon). */
function checkQueueName(queue: string): void {
  if (queue === "" || queue.includes(":"))
    throw new CodermError(
      "invalid-input",
      `not a queue name: "${queue}" (it must be non-empty and hold no colon)`,
      { field: "queue" },
    );
}
