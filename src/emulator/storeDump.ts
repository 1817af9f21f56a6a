// store.dump(): a deterministic, JSON-ready picture of every mutable datum of the tenant, with
// digests where the store holds secrets, so tests can compare before and after a request.
import { createHash } from 'node:crypto';
import type { OobTransaction } from './oob/transactions.js';
import type { Authenticator, MfaTokenRecord, UserRecord } from './storeTypes.js';

export function dumpTenant(users: Iterable<UserRecord>, mfaTokens: Iterable<MfaTokenRecord>, oobTransactions: OobTransaction[]): unknown {
  return {
    users: [...users].map((user) => ({
      id: user.id,
      email: user.email,
      passwordHash: user.passwordHash,
      bucket: { ...user.bucket },
      messageBuckets: { phone: { ...user.messageBuckets.phone }, email: { ...user.messageBuckets.email }, push: { ...user.messageBuckets.push } },
      authenticators: user.authenticators.map(dumpAuthenticator),
    })),
    mfaTokens: [...mfaTokens].map((t) => ({ ...t, audience: t.audience ?? null, scope: t.scope ?? null })).sort(byDigest),
    oobTransactions: oobTransactions.map((t) => ({
      ...t,
      mfaTokenDigest: t.mfaTokenDigest ?? null,
      bindingCodeHash: t.bindingCodeHash ?? null,
      pushRequestId: t.pushRequestId ?? null,
      lastPolledAt: t.lastPolledAt ?? null,
    })),
  };
}

function dumpAuthenticator(a: Authenticator): Record<string, unknown> {
  const common = { type: a.type, id: a.id, active: a.active, createdAt: a.createdAt };
  switch (a.type) {
    case 'recovery-code':
      return { ...common, codeHash: a.codeHash ?? null };
    case 'otp':
      return {
        ...common,
        secretDigest: digestOf(a.secret),
        lastAcceptedStep: a.lastAcceptedStep ?? null,
        associationRecoveryCodeHash: a.associationRecoveryCodeHash ?? null,
        companionOf: a.companionOf ?? null,
      };
    case 'phone':
      return { ...common, deviceId: a.deviceId, phoneNumber: a.phoneNumber, enrolledChannel: a.enrolledChannel, associationRecoveryCodeHash: a.associationRecoveryCodeHash ?? null };
    case 'email':
      return { ...common, email: a.email, associationRecoveryCodeHash: a.associationRecoveryCodeHash ?? null };
    case 'push':
      return { ...common, enrollmentTxDigest: a.enrollmentTxDigest, deviceName: a.deviceName ?? null, associationRecoveryCodeHash: a.associationRecoveryCodeHash ?? null };
  }
}

export function digestOf(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function byDigest(a: { digest: string }, b: { digest: string }): number {
  return a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
}
