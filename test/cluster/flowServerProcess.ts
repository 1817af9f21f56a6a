// One server process of an app that runs MFA flows on the server: `mfa-flow/server` on a
// 127.0.0.1 socket, its flows in a shared Redis, its API calls to the emulator. Started by
// serverCluster.ts with `node --import tsx`; configured by environment, it prints
// `ready <url>` once it listens and `signedIn <id>` each time the app's callback runs
// (the tokens themselves never leave the process: a real app would make its session here).
import { createClient } from 'redis';
import { createMfaFlowHandler } from '../../src/server/index.js';
import { createRedisFlowStore } from '../../src/server/redis/index.js';
import { serveHandler } from '../helpers/handlerSocket.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const redis = createClient({ url: env('MFA_REDIS_URL'), socket: { reconnectStrategy: (retries) => Math.min(50 * retries, 500) } });
  // A Redis that restarts is reported per request (`store_unavailable`), not as a crash.
  redis.on('error', () => {});
  await redis.connect();
  const handler = createMfaFlowHandler({
    baseUrl: env('MFA_EMULATOR_URL'),
    mfaAudience: env('MFA_AUDIENCE'),
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    cookieSecret: env('MFA_COOKIE_SECRET'),
    store: createRedisFlowStore(redis),
    allowedOrigins: [env('MFA_APP_ORIGIN')],
    settleMs: Number(env('MFA_SETTLE_MS')),
    leaseMs: Number(env('MFA_LEASE_MS')),
    onAuthenticated: ({ signIn }) => {
      process.stdout.write(`signedIn ${signIn.id}\n`);
    },
  });
  const served = await serveHandler(handler);
  process.stdout.write(`ready ${served.url}\n`);
  process.on('SIGTERM', () => {
    void served.close().finally(() => redis.destroy());
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`flow server failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
