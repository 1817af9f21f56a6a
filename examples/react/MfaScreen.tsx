// MfaScreen: every state of the MFA chart a user can see, on the public API of mfa-flow.
// The chart decides; this file only renders the snapshot and sends events.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
// The demos' own helpers, shared with the web and terminal demos; copy them or leave them out.
import { appCount } from '../../src/cli/demo/authenticatorChoice.js';
import { createCodeAdvice, type CodeAdvice } from '../../src/cli/demo/codeAdvice.js';
// In your app: import type { ... } from 'mfa-flow';
import type { AuthenticatedOutput, ChallengeableAuthenticator, CreateMfaFlowOptions, FlowError, MfaFlowEvent } from '../../src/index.js';
import { useCodeAdvice } from './useCodeAdvice.js';
import { useMfaFlow } from './useMfaFlow.js';

type Send = (event: MfaFlowEvent) => void;
type Snapshot = ReturnType<typeof useMfaFlow>['snapshot'];

/** The id of the error line, which fields with an error point at (aria-describedby). */
const ERROR_ID = 'mfa-error';

export interface MfaScreenProps {
  options: CreateMfaFlowOptions;
  /** Called once with the tokens (and a replacement recovery code, if one was used). */
  onAuthenticated?: (output: AuthenticatedOutput) => void;
  /** Shown as "Start again" once the flow has ended or failed; mount a new screen (a new `key`) there. */
  onRestart?: () => void;
  /** Share one across the screens of a page, so a code spent in one flow is known in the next. */
  advice?: CodeAdvice;
}

export function MfaScreen({ options, onAuthenticated, onRestart, advice: sharedAdvice }: MfaScreenProps) {
  const { flow, snapshot } = useMfaFlow(options);
  const [ownAdvice] = useState(() => createCodeAdvice());
  const { send, messageFor, answerKey } = useCodeAdvice(flow, sharedAdvice ?? ownAdvice);
  const busy = snapshot.hasTag('busy');
  const authenticated = snapshot.matches('authenticated');
  const error = snapshot.context.error;

  useEffect(() => {
    if (snapshot.output?.outcome === 'authenticated') onAuthenticated?.(snapshot.output);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on arrival
  }, [authenticated]);

  return (
    <main aria-busy={busy}>
      <h1>Two-step verification</h1>
      <Step snapshot={snapshot} send={send} busy={busy} />
      {/* Live regions exist from the start, so screen readers announce what appears in them. */}
      <p role="status" aria-live="polite" className="status">{busy ? busyText(snapshot) : ''}</p>
      <p role="alert" aria-live="assertive" id={ERROR_ID} className="error">
        {/* A new node per answer: the same message twice (two wrong codes) is announced twice. */}
        {error && <span key={answerKey}>{messageFor(error)}</span>}
      </p>
      <p className="actions">
        {snapshot.status === 'active' && (
          <button type="button" className="secondary" onClick={() => send({ type: 'cancel' })}>Cancel</button>
        )}
        {onRestart && (snapshot.status === 'done' || snapshot.matches('failed')) && (
          <button type="button" className="secondary" onClick={onRestart}>Start again</button>
        )}
      </p>
    </main>
  );
}

function Step({ snapshot, send, busy }: { snapshot: Snapshot; send: Send; busy: boolean }) {
  const { context } = snapshot;
  const error = context.error;
  if (snapshot.matches({ step: 'needMfaToken' })) return <SignIn send={send} busy={busy} error={error} />;
  if (snapshot.matches({ step: { awaitingConfirmation: 'acknowledgingRecoveryCodes' } })) {
    return <RecoveryCodes codes={context.enrollment?.recoveryCodes ?? []} send={send} />;
  }
  if (snapshot.matches({ step: 'awaitingConfirmation' }) && context.enrollment?.factor === 'otp') {
    const { secret, barcodeUri } = context.enrollment;
    return (
      <section aria-labelledby="enroll-title">
        <h2 id="enroll-title">Set up your authenticator app</h2>
        <p>Scan this QR code with your authenticator app (Google Authenticator, 1Password, Aegis…).</p>
        <QrCode uri={barcodeUri} />
        <p>Cannot scan? Add this key by hand (time-based, 6 digits), or open the setup link on your phone.</p>
        <p>Key: <code aria-label="Secret key" className="secret">{secret.replace(/(.{4})(?!$)/g, '$1 ')}</code></p>
        <p className="setup-link">Setup link: <a href={barcodeUri}>{barcodeUri}</a></p>
        <CodeForm label="6-digit code from the app" name="otp" submit="Confirm" busy={busy}
          invalid={error?.code === 'invalid_otp'} onCode={(otp) => send({ type: 'otp.submit', otp })} />
      </section>
    );
  }
  if (snapshot.matches({ step: { listing: 'choosing' } })) return <Chooser authenticators={context.authenticators} send={send} />;
  if (snapshot.matches({ step: 'verifying' })) return <Verify send={send} busy={busy} error={error} apps={appCount(context.authenticators)} />;
  if (snapshot.matches('locked')) {
    return <Locked ready={snapshot.matches({ locked: 'ready' })} until={snapshot.context.waitUntil ?? Date.now()} send={send} />;
  }
  if (snapshot.matches('failed')) {
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

/** ARIA for a field the current error is about. */
function invalidProps(invalid: boolean) {
  return invalid ? { 'aria-invalid': true as const, 'aria-describedby': ERROR_ID } : {};
}

/** The value of a named field of the submitted form (uncontrolled inputs keep this file short). */
function fieldOf(event: FormEvent<HTMLFormElement>, name: string): string {
  event.preventDefault();
  return (event.currentTarget.elements.namedItem(name) as HTMLInputElement).value;
}

function SignIn({ send, busy, error }: { send: Send; busy: boolean; error: FlowError | null }) {
  // "Wrong email or password": either may be the wrong one.
  const invalid = invalidProps(error?.code === 'invalid_credentials');
  return (
    <form noValidate onSubmit={(e) => {
      const username = fieldOf(e, 'username');
      send({ type: 'credentials.submit', username, password: fieldOf(e, 'password') });
    }}>
      <label>Email <input name="username" type="email" autoComplete="username" disabled={busy} {...invalid} /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" disabled={busy} {...invalid} /></label>
      <button type="submit" disabled={busy}>Sign in</button>
    </form>
  );
}

function CodeForm(props: {
  label: string;
  name: string;
  submit: string;
  busy: boolean;
  invalid: boolean;
  recovery?: boolean;
  onCode: (code: string) => void;
}) {
  // The chart checks the format itself (6 digits; 24 letters and digits) before any request.
  const input = props.recovery
    ? { autoComplete: 'off', autoCapitalize: 'characters', spellCheck: false }
    : { inputMode: 'numeric' as const, autoComplete: 'one-time-code', pattern: '[0-9 ]*' };
  return (
    <form noValidate onSubmit={(e) => props.onCode(fieldOf(e, props.name))}>
      <label>{props.label} <input name={props.name} {...input} {...invalidProps(props.invalid)} disabled={props.busy} autoFocus /></label>
      <button type="submit" disabled={props.busy}>{props.submit}</button>
    </form>
  );
}

/** The `otpauth://` URI as a QR code (an SVG from the `qrcode` package, shown as an image). */
function QrCode({ uri }: { uri: string }) {
  const [source, setSource] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((svg) => current && setSource(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [uri]);
  if (failed) return <p>The QR code could not be drawn: add the key below by hand.</p>;
  return source ? <img className="qr" src={source} alt="QR code to scan with your authenticator app" /> : <p className="qr">Drawing the QR code…</p>;
}

function Verify({ send, busy, error, apps }: { send: Send; busy: boolean; error: FlowError | null; apps: number }) {
  const [withRecoveryCode, setWithRecoveryCode] = useState(false);
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">Enter a code</h2>
      {withRecoveryCode ? (
        <>
          <p>No phone at hand? Sign in with the recovery code you saved when you enrolled. It works once; you then get a new one.</p>
          <CodeForm label="Recovery code" name="recoveryCode" submit="Sign in" busy={busy} recovery
            invalid={error?.code === 'invalid_recovery_code'}
            onCode={(recoveryCode) => send({ type: 'recoveryCode.submit', recoveryCode })} />
        </>
      ) : (
        <>
          {/* The server checks the code against every app of the user: any of them will do. */}
          <p>{apps > 1 ? `Open any of your ${apps} authenticator apps and type its current code.` : 'Open your authenticator app and type its current code.'}</p>
          <CodeForm label="6-digit code from your app" name="otp" submit="Sign in" busy={busy}
            invalid={error?.code === 'invalid_otp'} onCode={(otp) => send({ type: 'otp.submit', otp })} />
        </>
      )}
      <button type="button" className="link" onClick={() => setWithRecoveryCode(!withRecoveryCode)}>
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
      <ul className="codes">{codes.map((code) => <li key={code}><code aria-label="Recovery code">{code}</code></li>)}</ul>
      <button type="button" onClick={() => send({ type: 'recoveryCodes.acknowledge' })}>I have saved it</button>
    </section>
  );
}

function Locked({ ready, until, send }: { ready: boolean; until: number; send: Send }) {
  const waitMs = Math.max(0, until - Date.now());
  // The button that had focus is gone and the retry is disabled: focus the heading, not <body>.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="locked-title">
      <h2 id="locked-title" tabIndex={-1} ref={heading}>Locked for a while</h2>
      <p>{ready ? 'You can try again now.' : `Too many wrong codes. You can try again in about ${Math.ceil(waitMs / 1000)} seconds.`}</p>
      <button type="button" disabled={!ready} onClick={() => send({ type: 'retry' })}>Try again</button>
    </section>
  );
}

function Chooser({ authenticators, send }: { authenticators: ChallengeableAuthenticator[]; send: Send }) {
  return (
    <section aria-labelledby="choose-title">
      <h2 id="choose-title">How do you want to confirm it is you?</h2>
      <ul>
        {authenticators.map((a) => (
          <li key={a.id}>
            <button type="button" onClick={() => send({ type: 'authenticator.select', authenticatorId: a.id })}>
              {a.label}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
