// GET /mfa/authenticators and DELETE /mfa/authenticators/{id}. Listed items carry `type`
// besides Auth0's documented members: auth0-spa-js keeps only items whose `type` is one of the
// `mfa_requirements.challenge` types (see factors.ts).
import type { Hono } from 'hono';
import { authenticateBearer, requireScope } from '../bearer.js';
import type { EmulatorDeps } from '../deps.js';
import { EmulatorError } from '../errors.js';
import { authenticatorType } from '../factors.js';

export function registerAuthenticatorRoutes(app: Hono, deps: EmulatorDeps): void {
  app.get('/mfa/authenticators', async (c) => {
    const caller = await authenticateBearer(c, deps);
    if (caller.via === 'access_token') requireScope(caller, 'read:authenticators');
    const list = deps.store.visibleAuthenticators(caller.user).map((a) => ({
      id: a.id,
      authenticator_type: a.type,
      active: a.active,
      type: authenticatorType(a),
    }));
    return c.json(list);
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
