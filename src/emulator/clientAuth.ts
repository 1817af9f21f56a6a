// Client authentication for /oauth/token and /mfa/challenge: client_secret_post or HTTP Basic
// (RFC 6749 §2.3.1). Confidential clients must prove their secret; public clients (no secret
// configured) are identified by client_id alone.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { EmulatorError, invalidRequest, missingParameter } from './errors.js';
import type { ResolvedClient, ResolvedConfig } from './options.js';
import type { RequestParams } from './requestParams.js';

export function authenticateClient(c: Context, params: RequestParams, config: ResolvedConfig): ResolvedClient {
  const basic = readBasicCredentials(c.req.header('authorization'));
  const bodyId = params.optional('client_id');
  const bodySecret = params.optional('client_secret');
  if (basic && bodyId !== undefined && bodyId !== basic.id) {
    throw invalidRequest('client_id does not match the client in the Authorization header');
  }
  const clientId = basic?.id ?? bodyId;
  if (clientId === undefined) throw missingParameter('client_id');
  const client = config.clients.get(clientId);
  if (!client) throw new EmulatorError(401, 'invalid_client', 'Unknown client.');
  if (client.secret === undefined) return client;
  const offered = [basic?.secret, bodySecret].filter((s): s is string => s !== undefined && s !== '');
  if (offered.length === 0) {
    throw new EmulatorError(401, 'invalid_client', 'Client authentication is required: send client_secret or HTTP Basic credentials.');
  }
  if (!offered.every((secret) => secretsEqual(secret, client.secret ?? ''))) {
    throw new EmulatorError(401, 'invalid_client', 'Client authentication failed.');
  }
  return client;
}

/** Basic credentials if the header uses that scheme; other schemes are not ours to judge here. */
function readBasicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S*)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new EmulatorError(401, 'invalid_client', 'Malformed HTTP Basic credentials.');
  try {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw new EmulatorError(401, 'invalid_client', 'Malformed HTTP Basic credentials.');
  }
}

// Hash first so the comparison is constant-time whatever the lengths.
function secretsEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
