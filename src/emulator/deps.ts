// What every route handler is given: the resolved tenant config, the data store, the token
// issuer, the outbox of messages "sent" and the emulated Guardian device. Built once per
// emulator in app.ts.
import type { EmulatedGuardian } from './oob/guardian.js';
import type { Outbox } from './oob/outbox.js';
import type { ResolvedConfig } from './options.js';
import type { TenantStore } from './store.js';
import type { TokenIssuer } from './tokens.js';

export interface EmulatorDeps {
  config: ResolvedConfig;
  store: TenantStore;
  tokens: TokenIssuer;
  outbox: Outbox;
  guardian: EmulatedGuardian;
}
