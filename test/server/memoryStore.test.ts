// The memory store against the FlowStore contract.
import { describe } from 'vitest';
import { createMemoryFlowStore } from '../../src/server/index.js';
import { flowStoreContract } from './storeContract.js';

describe('createMemoryFlowStore', () => {
  const store = createMemoryFlowStore();
  flowStoreContract(() => store);
});
