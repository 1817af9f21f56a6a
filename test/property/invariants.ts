// What must hold after every step of any sequence of user actions and server answers, judged
// from the emulator's own records and the request monitor rather than from the flow's word.
import type { MfaFlowEvent } from '../../machines/types.js';
import type { FlowSystem } from './flowSystem.js';

type Progress = MfaFlowEvent | 'time';

/** Every state a flow may rest in, with what moves it on (the user's event, or time passing). */
const SETTLED: Record<string, Progress> = {
  'step.needMfaToken.idle': { type: 'credentials.submit', username: 'demo@example.com', password: 'demo-password' },
  'step.awaitingConfirmation.idle': { type: 'otp.submit', otp: '123456' },
  'step.awaitingConfirmation.acknowledgingRecoveryCodes': { type: 'recoveryCodes.acknowledge' },
  'step.listing.choosing': { type: 'authenticator.select', authenticatorId: '' },
  'step.verifying.idle': { type: 'otp.submit', otp: '123456' },
  'locked.waiting': 'time',
  'locked.ready': { type: 'retry' },
  rateLimited: 'time',
  failed: { type: 'retry' },
};

export const valueKey = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}.${valueKey(v)}`)
        .join(',');

export interface InvariantContext {
  cancelled: boolean;
}

/** Returns every violated invariant (empty when all hold). */
export function violations(system: FlowSystem, model: InvariantContext, options: { atRest: boolean } = { atRest: true }): string[] {
  const out = [...system.monitor.violations];
  const snapshot = system.snapshot();
  const key = valueKey(snapshot.value);
  const { context } = snapshot;

  // Never stuck: a final state, or a resting state with a way on.
  if (snapshot.status === 'error') out.push(`the flow crashed: ${String(snapshot.error)}`);
  if (snapshot.status === 'active' && options.atRest) {
    const progress = SETTLED[key];
    if (progress === undefined) out.push(`rests in ${key}, which is not a settled state`);
    else if (progress === 'time') {
      // The chart's own delayed transition ends the wait (retryAfterMs or its default).
    } else if (progress.type !== 'authenticator.select' && !snapshot.can(progress)) out.push(`${key} does not accept ${progress.type}`);
    else if (progress.type === 'authenticator.select' && context.authenticators.length === 0) out.push('choosing among no authenticators');
  }

  // Authenticated only after the emulator accepted a code, and only with tokens it issued.
  if (snapshot.status === 'done' && key === 'authenticated') {
    if (system.flowEvents('code_accepted').length === 0) out.push('authenticated, but the emulator accepted no code');
    if (!context.tokens || !system.monitor.issuedAccessTokens.has(context.tokens.accessToken)) {
      out.push('authenticated with tokens the emulator did not issue');
    }
  }

  // Never locked while the emulator would still accept a code (its Retry-After is rounded up to a second).
  if (key === 'locked.waiting' && !system.monitor.lastLockoutInjected && system.attemptsLeft(system.h.now() - 1_000) > 0) {
    out.push(`locked while the emulator has ${system.attemptsLeft()} attempts left`);
  }

  // Cancel is final, and nothing is sent after it.
  if (model.cancelled && snapshot.status === 'active') out.push(`still ${key} after cancel`);

  // The emulator's data: one active OTP per confirmation; recovery codes used at most once.
  const user = system.world.user();
  const activeOtps = user.authenticators.filter((a) => a.type === 'otp' && a.active);
  const confirmedOtps = system.h.emulator.store.events().filter((e) => e.type === 'confirmed' && e.kind === 'otp');
  const confirmedIds = new Set(confirmedOtps.map((e) => e.authenticatorId));
  if (confirmedIds.size !== confirmedOtps.length) out.push('an authenticator was confirmed twice');
  if (activeOtps.length !== confirmedOtps.length || !activeOtps.every((a) => confirmedIds.has(a.id))) {
    out.push(`${activeOtps.length} active OTPs for ${confirmedOtps.length} confirmations`);
  }
  const accepted = system.h.emulator.store.events().filter((e) => e.type === 'code_accepted' && e.kind === 'otp').length;
  if (confirmedOtps.length > accepted) out.push('a confirmation without an accepted code');
  const used = system.h.emulator.store.events().filter((e) => e.type === 'recovery_code_used').length;
  // (setup never spends a recovery code, so every use is one the monitor saw accepted)
  // (between steps of a scheduled run the monitor may not have read an answer the emulator already gave)
  const seen = system.monitor.acceptedRecoveryCodes.length;
  if (options.atRest ? used !== seen : used < seen) out.push(`${used} recovery code uses recorded, ${seen} accepted codes seen`);
  const limit = system.options.emulator?.attempts?.limit ?? 10;
  if (user.bucket.remaining < 0 || user.bucket.remaining > limit) out.push(`attempt bucket at ${user.bucket.remaining}`);
  return out;
}
