// One server process of an app using `mfa-flow/server` with the Redis store, for tests (and
// benches) that run several and kill some: configured by environment variables, it serves the
// handler on 127.0.0.1, prints `listening <url>` once ready and `signed-in <signIn.id>` for each
// onAuthenticated call, and stops on SIGTERM.
//   MFA_FLOW_API_URL      the emulator (or a proxy in front of it)
//   MFA_FLOW_AUDIENCE     the emulator's MFA audience
//   MFA_FLOW_REDIS_URL    redis://127.0.0.1:<port>
//   MFA_FLOW_COOKIE_SECRET, MFA_FLOW_SETTLE_MS, MFA_FLOW_LEASE_MS, MFA_FLOW_FACTORS (comma-separated), MFA_FLOW_PORT
import { createClient } from 'redis';
import type { FactorType } from '../../src/index.js';
import { createMfaFlowHandler } from '../../src/server/index.js';
import { createRedisFlowStore } from '../../src/server/redis/index.js';
import { serveHandler } from './handlerSocket.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const settleMs = process.env.MFA_FLOW_SETTLE_MS;
const leaseMs = process.env.MFA_FLOW_LEASE_MS;

const redis = createClient({ url: env('MFA_FLOW_REDIS_URL'), socket: { reconnectStrategy: () => 100 } });
redis.on('error', () => undefined); // a Redis restart: the handler answers store_unavailable meanwhile
await redis.connect();

const handler = createMfaFlowHandler({
  baseUrl: env('MFA_FLOW_API_URL'),
  mfaAudience: env('MFA_FLOW_AUDIENCE'),
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  cookieSecret: env('MFA_FLOW_COOKIE_SECRET'),
  store: createRedisFlowStore(redis),
  factors: env('MFA_FLOW_FACTORS', 'otp').split(',') as FactorType[],
  ...(settleMs === undefined ? {} : { settleMs: Number(settleMs) }),
  ...(leaseMs === undefined ? {} : { leaseMs: Number(leaseMs) }),
  onAuthenticated: ({ signIn }) => void process.stdout.write(`signed-in ${signIn.id}\n`),
});

const served = await serveHandler(handler, Number(env('MFA_FLOW_PORT', '0')));
process.stdout.write(`listening ${served.url}\n`);

process.once('SIGTERM', () => {
  void served.close().then(() => redis.quit()).finally(() => process.exit(0));
});
