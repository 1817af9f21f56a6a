// Out-of-band transactions: what an `oob_code` stands for. Each one is an enrollment (the
// association's own code) or a challenge, of one authenticator, for one user and client (and the
// mfa_token that asked, when one did). Codes are stored as digests; a transaction is pending, then
// answered by the Guardian device (push), used once, or dead (superseded, its association
// discarded, its authenticator deleted). Expired ones are remembered a day, to say "expired".
import { createHash } from 'node:crypto';
import { opaqueToken } from '../identifiers.js';
import type { OobChannel } from '../storeTypes.js';

export type OobPurpose = 'enrollment' | 'challenge';
export type OobState = 'pending' | 'accepted' | 'rejected' | 'used' | 'dead';

export interface OobTransaction {
  digest: string;
  userId: string;
  clientId: string;
  /** The mfa_token that asked; undefined for an association made with an MFA-API access token. */
  mfaTokenDigest: string | undefined;
  /** The authenticator record (for a phone: its record id, whichever channel was listed). */
  authenticatorId: string;
  purpose: OobPurpose;
  channel: OobChannel;
  /** Digest of the code the message carried (SMS, voice, email). */
  bindingCodeHash: string | undefined;
  /** Push challenges: the id the emulated device answers by. */
  pushRequestId: string | undefined;
  createdAt: number;
  expiresAt: number;
  state: OobState;
  /** Push polling: the current minimum time between two polls, and the last poll. */
  intervalMs: number;
  lastPolledAt: number | undefined;
}

export type NewTransaction = Omit<OobTransaction, 'digest' | 'createdAt' | 'expiresAt' | 'state' | 'intervalMs' | 'lastPolledAt'>;

const EXPIRED_MEMORY_MS = 24 * 60 * 60 * 1000;

export class OobTransactions {
  readonly #byDigest = new Map<string, OobTransaction>();
  readonly #clock: () => number;
  readonly #randomBytes: (n: number) => Uint8Array;
  readonly #ttlMs: number;
  readonly #intervalMs: number;

  constructor(clock: () => number, randomBytes: (n: number) => Uint8Array, ttlMs: number, intervalMs: number) {
    this.#clock = clock;
    this.#randomBytes = randomBytes;
    this.#ttlMs = ttlMs;
    this.#intervalMs = intervalMs;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** A new transaction and its oob_code (handed out once, never stored). */
  create(input: NewTransaction): { oobCode: string; transaction: OobTransaction } {
    const now = this.#clock();
    for (const [digest, t] of this.#byDigest) if (t.expiresAt + EXPIRED_MEMORY_MS <= now) this.#byDigest.delete(digest);
    const oobCode = opaqueToken(this.#randomBytes);
    const transaction: OobTransaction = {
      ...input,
      digest: digestOf(oobCode),
      createdAt: now,
      expiresAt: now + this.#ttlMs,
      state: 'pending',
      intervalMs: this.#intervalMs,
      lastPolledAt: undefined,
    };
    this.#byDigest.set(transaction.digest, transaction);
    return { oobCode, transaction };
  }

  find(oobCode: string): OobTransaction | undefined {
    return this.#byDigest.get(digestOf(oobCode));
  }

  isExpired(transaction: OobTransaction, now = this.#clock()): boolean {
    return now >= transaction.expiresAt;
  }

  byPushRequest(requestId: string): OobTransaction | undefined {
    return [...this.#byDigest.values()].find((t) => t.pushRequestId === requestId);
  }

  /** Pending, unexpired transactions, oldest first. */
  pending(now = this.#clock()): OobTransaction[] {
    return [...this.#byDigest.values()].filter((t) => t.state === 'pending' && now < t.expiresAt).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** A new challenge of an authenticator makes its earlier pending challenges dead: only the newest message counts. */
  supersedeChallenges(authenticatorId: string): void {
    for (const t of this.#byDigest.values()) {
      if (t.authenticatorId === authenticatorId && t.purpose === 'challenge' && t.state === 'pending') t.state = 'dead';
    }
  }

  /** Every pending transaction of these authenticators dies (association discarded, authenticator deleted). */
  kill(authenticatorIds: ReadonlySet<string>): void {
    for (const t of this.#byDigest.values()) {
      if (authenticatorIds.has(t.authenticatorId) && (t.state === 'pending' || t.state === 'accepted')) t.state = 'dead';
    }
  }

  dump(): OobTransaction[] {
    return [...this.#byDigest.values()].map((t) => ({ ...t })).sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  }
}

function digestOf(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
