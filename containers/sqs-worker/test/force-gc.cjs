// Preloaded into the worker (`node --expose-gc --require`) by run-worker.ts: a full collection
// every 50 ms, so anything the worker holds only weakly (AbortSignal.timeout on Node 20) is
// collected within a scenario's seconds instead of whenever the heap happens to fill.
globalThis.setInterval(() => globalThis.gc(), 50).unref();
