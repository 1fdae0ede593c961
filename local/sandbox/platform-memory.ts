import type { SandboxStore } from './store.js';

/**
 * What one platform's sandbox remembers beside the shared SandboxStore: made on first use, one per
 * store, and gone with it (a new store, as each test run makes, starts empty).
 */
export function platformMemory<T>(make: () => T): (store: SandboxStore) => T {
  const memories = new WeakMap<SandboxStore, T>();
  return (store) => {
    let memory = memories.get(store);
    if (memory === undefined) {
      memory = make();
      memories.set(store, memory);
    }
    return memory;
  };
}
