// Public entry of `mfa-flow/server/redis`: the flow store for several server processes sharing
// one Redis. It takes a connected client (node-redis's `createClient()`, an optional peer), so this
// entry imports nothing from it.
export { createRedisFlowStore, type RedisCommandClient, type RedisFlowStoreOptions } from './redisStore.js';
