import workerThreads from 'node:worker_threads';

/**
 * @slack/bolt 5.1 loads @slack/socket-mode 3.1, whose undici 8 calls worker_threads.markAsUncloneable
 * (Node >= 22.10) while it loads, so on Node 20 importing Bolt at all throws. The function only marks
 * an object as not transferable between threads; we never post undici objects to a worker, so a no-op
 * is harmless. Imported before Bolt by every file that imports it; a no-op on newer Node.
 */
const wt = workerThreads as unknown as Record<string, unknown>;
if (typeof wt.markAsUncloneable !== 'function') wt.markAsUncloneable = () => undefined;
