// What the demos (terminal, web page, React example) say about a refused code beyond the chart's
// own message, the same way in all three:
// - A replayed code. Auth0 documents only that an OTP "can't be used again" once validated, and
//   both Auth0 and the emulator refuse a reused code exactly like a wrong one (`invalid_grant`,
//   "Invalid otp_code."), so the chart cannot tell them apart. The UI can: it remembers the codes
//   the server accepted in this session for as long as an app may still show them, and a refused
//   code equal to one of them reads "This code was already used…" instead of "not right" (for a
//   message's code: "…Type the code from the newest message.").
// - The lockout ahead. Each refused code (an app's, a message's or a recovery code) takes one
//   attempt from a per-user bucket (Auth0: 10, one back every 6 minutes) and the server says nothing until it is empty. The UI counts the refusals
//   it saw, with the same refill, and from a few on says how many tries are left at most (other
//   sessions of the same user may have spent some too, hence "at most").
// Nothing here keeps a code longer than REPLAY_WINDOW_MS, and nothing is ever printed or logged.
import { normalizeOtp, normalizeRecoveryCode, type FlowError, type MfaFlowEvent, type MfaFlowOutput, type MfaFlowTag } from '../../index.js';
import type { FlowView } from '../../view/index.js';

/** Auth0's documented bucket of MFA code attempts; the emulator's defaults are the same. */
export const AUTH0_ATTEMPTS = { limit: 10, refillSeconds: 360 } as const;
export interface AttemptPolicy {
  limit: number;
  refillSeconds: number;
}

export const REPLAYED_CODE_MESSAGE = 'This code was already used. Wait for the next code in your app.';
/** The same for a code an SMS, a call or an email carried: each message's code works once. */
export const REPLAYED_MESSAGE_CODE_MESSAGE = 'This code was already used. Type the code from the newest message.';
/** An app shows a code for its 30 s step and servers accept it one step longer; plus time to type. */
const REPLAY_WINDOW_MS = 90_000;
/** Warn from this many refused codes on, or earlier when the bucket is this close to empty. */
const WARN_AFTER_REFUSALS = 3;
const WARN_WHEN_LEFT = 2;

/** The part of a flow's snapshot the advice reads. */
export interface ObservedSnapshot {
  status: string;
  hasTag(tag: MfaFlowTag): boolean;
  context: { error: FlowError | null };
  output?: MfaFlowOutput | undefined;
}

/** What the advice reads of a flow from its view (mfa-flow/view), for UIs that render views. */
export function observedView(view: FlowView): ObservedSnapshot {
  return {
    status: view.status,
    hasTag: (tag) => view.tags.includes(tag),
    // `flow_lost` is the server's, not a code's answer: nothing for the advice.
    context: { error: view.error?.code === 'flow_lost' ? null : view.error },
    // The advice reads only how a flow ended, never its tokens (which a view does not carry).
    output: view.outcome === undefined ? undefined : ({ outcome: view.outcome } as ObservedSnapshot['output']),
  };
}

export interface CodeAdvice {
  /** Call just before sending `event` to `flow` (any object that identifies the flow). */
  sent(flow: object, event: MfaFlowEvent): void;
  /** Call with every snapshot of `flow`, in order. */
  observe(flow: object, snapshot: ObservedSnapshot): void;
  /** The message to show for `error`: the chart's own, or a better one when this session knows more. */
  messageFor(error: FlowError): string;
}

export interface CodeAdviceOptions {
  /** The server's bucket of attempts; default Auth0's. */
  attempts?: AttemptPolicy;
  now?: () => number;
}

type Pending = { flow: object; kind: 'otp'; code: string; requested: boolean } | { flow: object; kind: 'recoveryCode'; requested: boolean };

export function createCodeAdvice(options: CodeAdviceOptions = {}): CodeAdvice {
  const policy = options.attempts ?? AUTH0_ATTEMPTS;
  const now = options.now ?? Date.now;
  const attempts = attemptsCounter(policy);
  let accepted: Array<{ code: string; at: number }> = [];
  let pending: Pending | null = null;
  let verdict: { error: FlowError; replayed: string | null; left: number } | null = null;

  const settle = (request: Pending, snapshot: ObservedSnapshot): void => {
    const at = now();
    accepted = accepted.filter((entry) => at - entry.at <= REPLAY_WINDOW_MS);
    const error = snapshot.context.error;
    // A message's code (SMS, voice, email) is refused as `invalid_binding_code` and spends an
    // attempt from the same bucket as an app's.
    if (error?.code === 'invalid_otp' || error?.code === 'invalid_binding_code' || error?.code === 'invalid_recovery_code') {
      const reused = request.kind === 'otp' && accepted.some((entry) => entry.code === request.code);
      const replayed = !reused ? null : error.code === 'invalid_binding_code' ? REPLAYED_MESSAGE_CODE_MESSAGE : REPLAYED_CODE_MESSAGE;
      verdict = { error, replayed, left: attempts.refused(at) };
    } else if (error?.code === 'too_many_attempts') {
      attempts.exhausted(at);
    } else if (error === null && request.kind === 'otp' && (snapshot.status === 'active' || snapshot.output?.outcome === 'authenticated')) {
      accepted.push({ code: request.code, at });
    }
  };

  return {
    sent(flow, event) {
      if (event.type === 'otp.submit') {
        const code = normalizeOtp(event.otp);
        pending = code === null ? null : { flow, kind: 'otp', code, requested: false };
      } else if (event.type === 'recoveryCode.submit') {
        pending = normalizeRecoveryCode(event.recoveryCode) === null ? null : { flow, kind: 'recoveryCode', requested: false };
      } else if (pending?.flow === flow) {
        pending = null; // cancel, or anything else: the code's answer will not come
      }
    },
    observe(flow, snapshot) {
      if (pending === null || pending.flow !== flow) return;
      if (snapshot.status === 'active' && snapshot.hasTag('busy')) {
        pending.requested = true; // the code is on its way (or waiting out a rate limit)
        return;
      }
      const request = pending;
      pending = null;
      // A code the chart refused locally (or in a state that takes none) never reached the server.
      if (request.requested) settle(request, snapshot);
    },
    messageFor(error) {
      if (verdict === null || verdict.error !== error) return error.message;
      const first = verdict.replayed ?? error.message;
      const refusals = policy.limit - verdict.left;
      if (refusals < WARN_AFTER_REFUSALS && verdict.left > WARN_WHEN_LEFT) return first;
      return `${first} ${lockoutWarning(verdict.left)}`;
    },
  };
}

function lockoutWarning(left: number): string {
  if (left === 0) return 'No tries are left: sign-in is locked for a while.';
  return `At most ${left} more ${left === 1 ? 'try' : 'tries'} before sign-in is locked for a while.`;
}

/** The tries the server has left for this user, as far as this session saw: one per refused code, one back per refill period. */
function attemptsCounter(policy: AttemptPolicy) {
  const refillMs = policy.refillSeconds * 1000;
  let left = policy.limit;
  let countingSince = 0;
  const refillUntil = (at: number) => {
    const back = Math.floor((at - countingSince) / refillMs);
    if (back <= 0) return;
    left = Math.min(policy.limit, left + back);
    countingSince += back * refillMs;
  };
  return {
    /** One refused code at `at`; returns the tries left. */
    refused(at: number): number {
      if (left >= policy.limit) countingSince = at;
      else refillUntil(at);
      left = Math.max(0, left - 1);
      return left;
    },
    /** The server said the bucket is empty. */
    exhausted(at: number): void {
      left = 0;
      countingSince = at;
    },
  };
}
