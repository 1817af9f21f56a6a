// MfaScreen: every state of the MFA chart a user can see, on the public API of mfa-flow.
// The chart decides; this file only renders the snapshot and sends events.
import { useEffect, useState, type FormEvent } from 'react';
// In your app: import type { ... } from 'mfa-flow';
import type { Authenticator, CreateMfaFlowOptions, MfaFlowEvent, MfaFlowOutput } from '../../src/index.js';
import { useMfaFlow } from './useMfaFlow.js';

type Send = (event: MfaFlowEvent) => void;
type Snapshot = ReturnType<typeof useMfaFlow>['snapshot'];

export interface MfaScreenProps {
  options: CreateMfaFlowOptions;
  /** Called once with the tokens (and a replacement recovery code, if one was used). */
  onAuthenticated?: (output: MfaFlowOutput) => void;
}

export function MfaScreen({ options, onAuthenticated }: MfaScreenProps) {
  const { snapshot, send } = useMfaFlow(options);
  const busy = snapshot.hasTag('busy');
  const authenticated = snapshot.matches('authenticated');

  useEffect(() => {
    if (authenticated && snapshot.output) onAuthenticated?.(snapshot.output);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on arrival
  }, [authenticated]);

  return (
    <main aria-busy={busy}>
      <h1>Two-step verification</h1>
      <Step snapshot={snapshot} send={send} busy={busy} />
      {/* Live regions exist from the start, so screen readers announce what appears in them. */}
      <p role="status" aria-live="polite">{busy ? busyText(snapshot) : ''}</p>
      <p role="alert" aria-live="assertive">{snapshot.context.error?.message ?? ''}</p>
      {snapshot.status === 'active' && (
        <button type="button" onClick={() => send({ type: 'cancel' })}>Cancel</button>
      )}
    </main>
  );
}

function Step({ snapshot, send, busy }: { snapshot: Snapshot; send: Send; busy: boolean }) {
  const { context } = snapshot;
  if (snapshot.matches({ step: 'needMfaToken' })) return <SignIn send={send} busy={busy} />;
  if (snapshot.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } })) {
    return <RecoveryCodes codes={context.enrollment?.recoveryCodes ?? []} send={send} />;
  }
  if (snapshot.matches({ step: 'awaitingConfirmation' }) && context.enrollment) {
    const { secret, barcodeUri } = context.enrollment;
    return (
      <section aria-labelledby="enroll-title">
        <h2 id="enroll-title">Set up your authenticator app</h2>
        <p>Add this key to your authenticator app (time-based, 6 digits), or open the setup link on your phone.</p>
        <p>Key: <code aria-label="Secret key">{secret.replace(/(.{4})(?!$)/g, '$1 ')}</code></p>
        <p>Setup link: <a href={barcodeUri}>{barcodeUri}</a></p>
        <CodeForm label="6-digit code from the app" name="otp" submit="Confirm" busy={busy}
          onCode={(otp) => send({ type: 'otp.submit', otp })} />
      </section>
    );
  }
  if (snapshot.matches({ step: { listing: 'choosing' } })) return <Chooser authenticators={context.authenticators} send={send} />;
  if (snapshot.matches({ step: 'verifying' })) return <Verify send={send} busy={busy} />;
  if (snapshot.matches({ locked: 'waiting' })) {
    const seconds = Math.ceil((context.error?.retryAfterMs ?? 60_000) / 1000);
    return <p>Too many attempts. You can try again in about {seconds} seconds.</p>;
  }
  if (snapshot.matches({ locked: 'ready' }) || snapshot.matches('failed')) {
    return <button type="button" onClick={() => send({ type: 'retry' })}>Try again</button>;
  }
  if (snapshot.matches('authenticated')) {
    const code = context.newRecoveryCode;
    return (
      <section aria-labelledby="done-title">
        <h2 id="done-title">You are signed in</h2>
        {code && <p>Your recovery code is used up. Save the new one now; it is shown only once: <code aria-label="New recovery code">{code}</code></p>}
      </section>
    );
  }
  if (snapshot.matches('cancelled')) return <p>Sign-in cancelled.</p>;
  return null; // associating, listing.fetching, challenging, rateLimited: the status line says what happens
}

function busyText(snapshot: Snapshot): string {
  if (snapshot.matches('rateLimited')) return 'The server asked us to slow down. Retrying shortly…';
  if (snapshot.matches({ step: { needMfaToken: 'signingIn' } })) return 'Signing in…';
  if (snapshot.matches({ step: 'associating' })) return 'Creating your authenticator…';
  if (snapshot.matches({ step: 'listing' }) || snapshot.matches({ step: 'challenging' })) return 'Looking up your authenticator…';
  return 'Checking the code…';
}

/** The value of a named field of the submitted form (uncontrolled inputs keep this file short). */
function fieldOf(event: FormEvent<HTMLFormElement>, name: string): string {
  event.preventDefault();
  return (event.currentTarget.elements.namedItem(name) as HTMLInputElement).value;
}

function SignIn({ send, busy }: { send: Send; busy: boolean }) {
  return (
    <form noValidate onSubmit={(e) => {
      const username = fieldOf(e, 'username');
      send({ type: 'credentials.submit', username, password: fieldOf(e, 'password') });
    }}>
      <label>Email <input name="username" type="email" autoComplete="username" disabled={busy} /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" disabled={busy} /></label>
      <button type="submit" disabled={busy}>Sign in</button>
    </form>
  );
}

function CodeForm(props: { label: string; name: string; submit: string; busy: boolean; recovery?: boolean; onCode: (code: string) => void }) {
  // The chart checks the format itself (6 digits; 24 letters and digits) before any request.
  const input = props.recovery
    ? { autoComplete: 'off', autoCapitalize: 'characters', spellCheck: false }
    : { inputMode: 'numeric' as const, autoComplete: 'one-time-code', pattern: '[0-9 ]*' };
  return (
    <form noValidate onSubmit={(e) => props.onCode(fieldOf(e, props.name))}>
      <label>{props.label} <input name={props.name} {...input} disabled={props.busy} autoFocus /></label>
      <button type="submit" disabled={props.busy}>{props.submit}</button>
    </form>
  );
}

function Verify({ send, busy }: { send: Send; busy: boolean }) {
  const [withRecoveryCode, setWithRecoveryCode] = useState(false);
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">Enter a code</h2>
      {withRecoveryCode ? (
        <CodeForm label="Recovery code" name="recoveryCode" submit="Sign in" busy={busy} recovery
          onCode={(recoveryCode) => send({ type: 'recoveryCode.submit', recoveryCode })} />
      ) : (
        <CodeForm label="6-digit code from your app" name="otp" submit="Sign in" busy={busy}
          onCode={(otp) => send({ type: 'otp.submit', otp })} />
      )}
      <button type="button" onClick={() => setWithRecoveryCode(!withRecoveryCode)}>
        {withRecoveryCode ? 'Use your authenticator app instead' : 'Use a recovery code instead'}
      </button>
    </section>
  );
}

function RecoveryCodes({ codes, send }: { codes: string[]; send: Send }) {
  return (
    <section aria-labelledby="codes-title">
      <h2 id="codes-title">Save your recovery code</h2>
      <p>If you lose your phone, this code signs you in once. It is shown only now.</p>
      <ul>{codes.map((code) => <li key={code}><code aria-label="Recovery code">{code}</code></li>)}</ul>
      <button type="button" onClick={() => send({ type: 'recoveryCodes.acknowledge' })}>I have saved it</button>
    </section>
  );
}

function Chooser({ authenticators, send }: { authenticators: Authenticator[]; send: Send }) {
  return (
    <section aria-labelledby="choose-title">
      <h2 id="choose-title">Which authenticator app?</h2>
      <ul>
        {authenticators.filter((a) => a.authenticatorType === 'otp').map((a, index) => (
          <li key={a.id}>
            <button type="button" onClick={() => send({ type: 'authenticator.select', authenticatorId: a.id })}>
              {a.name ?? `Authenticator app ${index + 1}`}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
