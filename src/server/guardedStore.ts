// A store whose failures (Redis down, a timeout) become the handler's `store_unavailable` answer
// (503), never an unexplained 500.
import { ServerAnswer } from './answers.js';
import type { FlowStore } from './flowStore.js';

export function guardedStore(store: FlowStore): FlowStore {
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch {
      throw new ServerAnswer('store_unavailable');
    }
  };
  return {
    get: (id) => guard(() => store.get(id)),
    create: (id, record, ttlMs) => guard(() => store.create(id, record, ttlMs)),
    compareAndSet: (id, revision, record, ttlMs) => guard(() => store.compareAndSet(id, revision, record, ttlMs)),
    delete: (id) => guard(() => store.delete(id)),
  };
}
