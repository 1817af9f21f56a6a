// What every route handler is given: the resolved tenant config, the data store and the
// token issuer. Built once per emulator in app.ts.
import type { ResolvedConfig } from './options.js';
import type { TenantStore } from './store.js';
import type { TokenIssuer } from './tokens.js';

export interface EmulatorDeps {
  config: ResolvedConfig;
  store: TenantStore;
  tokens: TokenIssuer;
}
