// Public entry of `mfa-flow/persist`: resume a flow after a reload, a crash or a move to another
// server. Its own entry so that an app that never persists a flow does not ship any of it.
export {
  FLOW_RECORD_FORMAT,
  persistFlow,
  readFlowRecord,
  type FlowRecord,
  type PersistedChart,
  type ReadFlowRecord,
  type RestoreRefusal,
} from './record.js';
export {
  createMemorySnapshotStore,
  createWebStorageSnapshotStore,
  loadFlow,
  saveFlow,
  type FlowStoreOptions,
  type LoadedFlow,
  type SnapshotStore,
  type WebStorageLike,
} from './stores.js';
export { decryptFlowRecord, encryptFlowRecord, generateSnapshotKey } from './encryption.js';
export type { ResumableFlow } from '../flow/createMfaFlow.js';
