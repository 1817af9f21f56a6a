// The steps of the factors beyond an authenticator app, for MfaScreen: choosing the factor to
// enroll (with a phone number or an email address, checked by the chart before anything is sent),
// the code a message carried, "send a new code" with its cooldown, "use another method", the
// Guardian QR code of a push enrollment and the wait for the phone's answer.
import { useEffect, useState } from 'react';
// In your app: import type { FactorType } from 'mfa-flow'; import type { FlowView, FlowViewError } from 'mfa-flow/view';
import type { FactorType } from '../../src/index.js';
import type { FlowView, FlowViewError } from '../../src/view/index.js';
import { CodeForm, fieldOf, invalidProps, QrCode, type Send } from './MfaScreen.js';

const LABELS: Readonly<Record<FactorType, string>> = {
  otp: 'Authenticator app',
  sms: 'Text message (SMS)',
  voice: 'Voice call',
  email: 'Email',
  push: 'Push notification (Auth0 Guardian)',
};

export function FactorChoice({ factors, send, busy, error }: { factors: FactorType[]; send: Send; busy: boolean; error: FlowViewError | null }) {
  const [factor, setFactor] = useState<FactorType>(factors[0] ?? 'otp');
  const needsPhone = factor === 'sms' || factor === 'voice';
  return (
    <form noValidate aria-labelledby="factor-title" onSubmit={(e) => {
      if (needsPhone) send({ type: 'factor.choose', factor, phoneNumber: fieldOf(e, 'phoneNumber') });
      else if (factor === 'email') send({ type: 'factor.choose', factor, email: fieldOf(e, 'email') });
      else {
        e.preventDefault();
        send({ type: 'factor.choose', factor });
      }
    }}>
      <h2 id="factor-title">Set up a second factor</h2>
      <fieldset>
        <legend>How should we check it is you?</legend>
        {factors.map((candidate) => (
          <label key={candidate} className="choice">
            <input type="radio" name="factor" value={candidate} checked={factor === candidate} onChange={() => setFactor(candidate)} /> {LABELS[candidate]}
          </label>
        ))}
      </fieldset>
      {needsPhone && (
        <label>Phone number (with its country code, e.g. +14155550123){' '}
          <input name="phoneNumber" type="tel" autoComplete="tel" disabled={busy} {...invalidProps(error?.code === 'invalid_phone_number')} />
        </label>
      )}
      {factor === 'email' && (
        <label>Email address for the codes{' '}
          <input name="email" type="email" autoComplete="email" disabled={busy} {...invalidProps(error?.code === 'invalid_email')} />
        </label>
      )}
      <button type="submit" disabled={busy}>Continue</button>
    </form>
  );
}

export function MessageEnrollment({ view, send, busy, error }: { view: FlowView; send: Send; busy: boolean; error: FlowViewError | null }) {
  const to = view.factorChoice?.phoneNumber ?? view.factorChoice?.email;
  return (
    <section aria-labelledby="enroll-message-title">
      <h2 id="enroll-message-title">Enter the code we sent</h2>
      <p>We sent a 6-digit code{to ? ` to ${to}` : ''}. Type it here to finish.</p>
      <CodeForm label="6-digit code from the message" name="otp" submit="Confirm" busy={busy}
        invalid={error?.code === 'invalid_binding_code' || error?.code === 'invalid_otp'} onCode={(otp) => send({ type: 'otp.submit', otp })} />
    </section>
  );
}

export function PushEnrollment({ barcodeUri }: { barcodeUri: string }) {
  return (
    <section aria-labelledby="enroll-push-title">
      <h2 id="enroll-push-title">Scan with the Auth0 Guardian app</h2>
      <p>Open Guardian on your phone, add an account and scan this code. This page goes on by itself once the phone is set up.</p>
      <QrCode uri={barcodeUri} alt="QR code to scan with the Auth0 Guardian app" />
      <p role="status">Waiting for your phone…</p>
    </section>
  );
}

/** A push sign-in: waiting for the phone (or, without it, a recovery code), or (refused, expired)
 *  another push or another method. */
export function PushWait({ view, send, busy, error }: { view: FlowView; send: Send; busy: boolean; error: FlowViewError | null }) {
  const [withRecoveryCode, setWithRecoveryCode] = useState(false);
  const answered = view.state === 'step.verifying.deviceAnswered';
  // A refused recovery code leaves the chart waiting for a code, no longer for the phone.
  const wantsCode = view.state === 'step.verifying.idle' || view.state === 'step.verifying.submittingRecoveryCode';
  return (
    <section aria-labelledby="push-title">
      <h2 id="push-title">Check your phone</h2>
      {answered ? (
        <p><button type="button" onClick={() => send({ type: 'code.resend' })} autoFocus>Send another push</button></p>
      ) : wantsCode || withRecoveryCode ? (
        <CodeForm label="Recovery code" name="recoveryCode" submit="Sign in" busy={busy} recovery
          invalid={error?.code === 'invalid_recovery_code'} onCode={(recoveryCode) => send({ type: 'recoveryCode.submit', recoveryCode })} />
      ) : (
        <>
          <p role="status">We sent a push notification to the Auth0 Guardian app. Accept it there to sign in.</p>
          <button type="button" className="link" onClick={() => setWithRecoveryCode(true)}>No phone at hand? Use a recovery code</button>
        </>
      )}
      <OtherMethod view={view} send={send} />
    </section>
  );
}

/** "Send a new code", disabled with a countdown while the chart's cooldown lasts. */
export function ResendButton({ view, send }: { view: FlowView; send: Send }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, []);
  const seconds = view.canResend || view.resendAvailableAt === null ? 0 : Math.ceil((view.resendAvailableAt - now) / 1000);
  return (
    <button type="button" className="secondary" disabled={seconds > 0} onClick={() => send({ type: 'code.resend' })}>
      {seconds > 0 ? `Send a new code (in ${seconds} s)` : 'Send a new code'}
    </button>
  );
}

export function OtherMethod({ view, send }: { view: FlowView; send: Send }) {
  if (view.authenticators.length < 2) return null;
  return <button type="button" className="link" onClick={() => send({ type: 'authenticator.change' })}>Use another method</button>;
}
