// The emulator's own API, none of it Auth0's: the outbox of messages "sent" and the emulated
// Guardian device. All of it lives under one prefix Auth0 never uses (as Firebase's Auth emulator
// keeps its own under /emulator/v1/), takes and answers camelCase JSON, and refuses in Auth0's
// error envelope like every other route. No authentication: it is a local development tool.
import type { Hono } from 'hono';
import type { EmulatorDeps } from '../deps.js';
import { invalidRequest, missingParameter } from '../errors.js';
import type { OutboxChannel } from '../oob/outbox.js';
import { readParams } from '../requestParams.js';

export const EMULATOR_PREFIX = '/emulator/v1';

/** Every emulator-only route, as docs/emulator.md lists them. */
export const EMULATOR_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['GET', `${EMULATOR_PREFIX}/outbox`],
  ['DELETE', `${EMULATOR_PREFIX}/outbox`],
  ['GET', `${EMULATOR_PREFIX}/guardian`],
  ['GET', `${EMULATOR_PREFIX}/guardian/devices`],
  ['POST', `${EMULATOR_PREFIX}/guardian/devices`],
  ['GET', `${EMULATOR_PREFIX}/guardian/enrollments`],
  ['GET', `${EMULATOR_PREFIX}/guardian/requests`],
  ['POST', `${EMULATOR_PREFIX}/guardian/requests/:id/accept`],
  ['POST', `${EMULATOR_PREFIX}/guardian/requests/:id/reject`],
];

const OUTBOX_CHANNELS: readonly OutboxChannel[] = ['sms', 'voice', 'email', 'push'];

export function registerEmulatorRoutes(app: Hono, deps: EmulatorDeps): void {
  const { outbox, guardian } = deps;
  const noStore = { 'cache-control': 'no-store' };

  app.get(`${EMULATOR_PREFIX}/outbox`, (c) => {
    // A `+` left unencoded in a query string arrives as a space: `?to=+14155550123` still means the phone.
    const to = c.req.query('to')?.replace(/^ (?=\d)/, '+') || undefined;
    const channel = c.req.query('channel') || undefined;
    if (channel !== undefined && !(OUTBOX_CHANNELS as readonly string[]).includes(channel)) {
      throw invalidRequest(`channel must be one of ${OUTBOX_CHANNELS.join(', ')}`);
    }
    return c.json({ messages: outbox.messages({ ...(to === undefined ? {} : { to }), ...(channel === undefined ? {} : { channel: channel as OutboxChannel }) }) }, 200, noStore);
  });

  app.delete(`${EMULATOR_PREFIX}/outbox`, (c) => {
    outbox.clear();
    return c.body(null, 204);
  });

  app.get(`${EMULATOR_PREFIX}/guardian`, (c) =>
    c.json({ mode: guardian.mode, devices: guardian.devices(), enrollments: guardian.enrollments(), requests: guardian.requests() }, 200, noStore),
  );

  app.get(`${EMULATOR_PREFIX}/guardian/devices`, (c) => c.json({ devices: guardian.devices() }, 200, noStore));

  app.post(`${EMULATOR_PREFIX}/guardian/devices`, async (c) => {
    const params = await readParams(c);
    const barcodeUri = params.optional('barcodeUri');
    if (barcodeUri === undefined) throw missingParameter('barcodeUri');
    const name = params.optional('name');
    return c.json({ device: name === undefined ? guardian.enroll(barcodeUri) : guardian.enroll(barcodeUri, name) }, 201, noStore);
  });

  app.get(`${EMULATOR_PREFIX}/guardian/enrollments`, (c) => c.json({ enrollments: guardian.enrollments() }, 200, noStore));

  app.get(`${EMULATOR_PREFIX}/guardian/requests`, (c) => {
    const user = c.req.query('user') || undefined;
    return c.json({ requests: guardian.requests(user === undefined ? {} : { user }) }, 200, noStore);
  });

  app.post(`${EMULATOR_PREFIX}/guardian/requests/:id/accept`, (c) => c.json({ request: guardian.accept(c.req.param('id')) }, 200, noStore));
  app.post(`${EMULATOR_PREFIX}/guardian/requests/:id/reject`, (c) => c.json({ request: guardian.reject(c.req.param('id')) }, 200, noStore));
}
