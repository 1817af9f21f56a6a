// GET /mfa/authenticators and DELETE /mfa/authenticators/{id}. Listed items carry `type`
// besides Auth0's documented members: auth0-spa-js keeps only items whose `type` is one of the
// `mfa_requirements.challenge` types (see factors.ts and listing.ts).
import type { Hono } from 'hono';
import { authenticateBearer, requireScope } from '../bearer.js';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError } from '../errors.js';

export function registerAuthenticatorRoutes(app: Hono, deps: EmulatorDeps): void {
  app.get('/mfa/authenticators', async (c) => {
    const caller = await authenticateBearer(c, deps);
    if (caller.via === 'access_token') requireScope(caller, 'read:authenticators');
    return c.json(deps.store.listed(caller.user).map((row) => row.item));
  });

  app.delete('/mfa/authenticators/:id', async (c) => {
    const caller = await authenticateBearer(c, deps);
    requireScope(caller, 'remove:authenticators');
    // Hono decodes the path parameter, so `totp%7Cdev_x` arrives as `totp|dev_x`.
    const id = c.req.param('id');
    if (!deps.store.deleteAuthenticator(caller.user, id)) {
      throw new EmulatorError(404, 'not_found', 'Authenticator does not exist.');
    }
    return c.body(null, 204);
  });
}
