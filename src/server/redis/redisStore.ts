// A FlowStore on Redis, for apps with several server processes. Each flow is a hash (`rev`, `rec`)
// under `<prefix><id>` with a TTL (PEXPIRE); create and compare-and-set are Lua scripts, so each
// runs atomically on the server: two processes writing the same revision never both succeed.
// A key that holds anything but such a hash reads as no flow (the handler answers `flow_lost`).
import type { FlowStore } from '../flowStore.js';

/** What the store needs of a client: node-redis's `createClient()` (connected) is one. */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisFlowStoreOptions {
  /** Key prefix, default `mfa-flow:`. */
  prefix?: string;
}

const GET = `
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return false end
return redis.call('HMGET', KEYS[1], 'rev', 'rec')`;

const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'rev', '1', 'rec', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

const COMPARE_AND_SET = `
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return 0 end
local rev = redis.call('HGET', KEYS[1], 'rev')
if rev ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'rev', tostring(tonumber(rev) + 1), 'rec', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

const ttlArg = (ttlMs: number) => String(Math.max(1, Math.ceil(ttlMs)));

export function createRedisFlowStore(client: RedisCommandClient, options: RedisFlowStoreOptions = {}): FlowStore {
  const prefix = options.prefix ?? 'mfa-flow:';
  const script = (source: string, id: string, ...args: string[]) => client.sendCommand(['EVAL', source, '1', `${prefix}${id}`, ...args]);
  return {
    async get(id) {
      const reply = await script(GET, id);
      if (!Array.isArray(reply)) return null;
      const [rev, record] = reply as unknown[];
      const revision = Number(rev);
      if (!Number.isSafeInteger(revision) || revision < 1 || typeof record !== 'string') return null;
      return { revision, record };
    },
    async create(id, record, ttlMs) {
      return Number(await script(CREATE, id, record, ttlArg(ttlMs))) === 1;
    },
    async compareAndSet(id, expectedRevision, record, ttlMs) {
      return Number(await script(COMPARE_AND_SET, id, String(expectedRevision), record, ttlArg(ttlMs))) === 1;
    },
    async delete(id) {
      await client.sendCommand(['DEL', `${prefix}${id}`]);
    },
  };
}
