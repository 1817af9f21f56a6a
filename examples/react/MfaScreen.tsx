// MfaScreen: every state of the MFA chart a user can see, for every factor, on the public API of
// mfa-flow. The chart decides; this file only renders the flow's view (`mfa-flow/view`) and sends
// events. The steps of SMS, voice, email and push are in FactorSteps.tsx.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
// The demos' own helpers, shared with the web and terminal demos; copy them or leave them out.
import { appCount } from '../../src/cli/demo/authenticatorChoice.js';
import { createCodeAdvice, type CodeAdvice } from '../../src/cli/demo/codeAdvice.js';
// In your app: import type { ... } from 'mfa-flow'; import type { FlowView, FlowViewError } from 'mfa-flow/view';
import type { AuthenticatedOutput, ChallengeableAuthenticator, CreateMfaFlowOptions, MfaFlowEvent, MfaFlowOutput } from '../../src/index.js';
import type { FlowView, FlowViewError } from '../../src/view/index.js';
import { FactorChoice, MessageEnrollment, OtherMethod, PushEnrollment, PushWait, ResendButton } from './FactorSteps.js';
import { useCodeAdvice } from './useCodeAdvice.js';
import { useMfaFlow } from './useMfaFlow.js';
import { useRemoteMfaFlow, type RemoteFlowOptions } from './useRemoteMfaFlow.js';
import type { ViewedFlow } from '../../src/view/index.js';

export type Send = (event: MfaFlowEvent) => void;

/** The id of the error line, which fields with an error point at (aria-describedby). */
export const ERROR_ID = 'mfa-error';

/** `view` is in `path` or one of its substates, e.g. `inState(view, 'step.verifying')`. */
export const inState = (view: FlowView, path: string) => view.state === path || view.state.startsWith(`${path}.`);

/** The factor being challenged. */
const challenged = (view: FlowView) => view.authenticators.find((a) => a.id === view.authenticatorId);

export interface MfaScreenProps {
  /** A flow in this page (createMfaFlow's options)… */
  options?: CreateMfaFlowOptions;
  /** …or one on the app's server (`mfa-flow/server`), whose tokens never reach the page. */
  remote?: RemoteFlowOptions;
  /** Called once with the tokens (and a replacement recovery code, if one was used). The view
   *  carries no token, so they come from the flow's output: a flow running here, in the page. */
  onAuthenticated?: (output: AuthenticatedOutput) => void;
  /** Shown as "Start again" once the flow has ended or failed; mount a new screen (a new `key`) there. */
  onRestart?: () => void;
  /** Share one across the screens of a page, so a code spent in one flow is known in the next. */
  advice?: CodeAdvice;
}

export function MfaScreen(props: MfaScreenProps) {
  if (props.remote) return <RemoteMfaScreen {...props} remote={props.remote} />;
  if (!props.options) throw new TypeError('MfaScreen needs options (a flow in the page) or remote (a flow on the server)');
  return <LocalMfaScreen {...props} options={props.options} />;
}

function LocalMfaScreen(props: MfaScreenProps & { options: CreateMfaFlowOptions }) {
  const { flow, viewed, view } = useMfaFlow(props.options);
  return <FlowScreen {...props} viewed={viewed} view={view} output={() => flow.getSnapshot().output} />;
}

/** The tokens stay on the server: `onAuthenticated` is the server's there, never called here. */
function RemoteMfaScreen(props: MfaScreenProps & { remote: RemoteFlowOptions }) {
  const { viewed, view } = useRemoteMfaFlow(props.remote);
  return <FlowScreen {...props} viewed={viewed} view={view} output={() => undefined} />;
}

function FlowScreen({
  viewed,
  view,
  output,
  onAuthenticated,
  onRestart,
  advice: sharedAdvice,
}: MfaScreenProps & { viewed: ViewedFlow; view: FlowView; output: () => MfaFlowOutput | undefined }) {
  const [ownAdvice] = useState(() => createCodeAdvice());
  const { send, messageFor, answerKey } = useCodeAdvice(viewed, sharedAdvice ?? ownAdvice);
  const busy = view.tags.includes('busy');
  const authenticated = view.outcome === 'authenticated';
  const error = view.error;

  useEffect(() => {
    const done = output();
    if (done?.outcome === 'authenticated') onAuthenticated?.(done);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on arrival
  }, [authenticated]);

  return (
    <main aria-busy={busy}>
      <h1>Two-step verification</h1>
      <Step view={view} send={send} busy={busy} />
      {/* Live regions exist from the start, so screen readers announce what appears in them. */}
      <p role="status" aria-live="polite" className="status">{busy ? busyText(view) : ''}</p>
      <p role="alert" aria-live="assertive" id={ERROR_ID} className="error">
        {/* A new node per answer: the same message twice (two wrong codes) is announced twice. */}
        {error && <span key={answerKey}>{messageFor(error)}</span>}
      </p>
      <p className="actions">
        {view.status === 'active' && (
          <button type="button" className="secondary" onClick={() => send({ type: 'cancel' })}>Cancel</button>
        )}
        {onRestart && (view.status === 'done' || inState(view, 'failed') || view.state === 'lost') && (
          <button type="button" className="secondary" onClick={onRestart}>Start again</button>
        )}
      </p>
    </main>
  );
}

function Step({ view, send, busy }: { view: FlowView; send: Send; busy: boolean }) {
  const error = view.error;
  if (inState(view, 'step.needMfaToken')) return <SignIn send={send} busy={busy} error={error} />;
  if (inState(view, 'step.choosingFactor')) return <FactorChoice factors={view.enrollableFactors} send={send} busy={busy} error={error} />;
  if (inState(view, 'step.awaitingConfirmation.acknowledgingRecoveryCodes')) {
    return <RecoveryCodes codes={view.recoveryCodes ?? []} send={send} />;
  }
  if (inState(view, 'step.awaitingConfirmation') && view.enrollment?.factor === 'push') return <PushEnrollment barcodeUri={view.enrollment.barcodeUri} />;
  if (inState(view, 'step.awaitingConfirmation') && view.enrollment && view.enrollment.factor !== 'otp') {
    return <MessageEnrollment view={view} send={send} busy={busy} error={error} />;
  }
  if (inState(view, 'step.awaitingConfirmation') && view.enrollment?.factor === 'otp') {
    const { secret, barcodeUri } = view.enrollment;
    return (
      <section aria-labelledby="enroll-title">
        <h2 id="enroll-title">Set up your authenticator app</h2>
        <p>Scan this QR code with your authenticator app (Google Authenticator, 1Password, Aegis…).</p>
        <QrCode uri={barcodeUri} alt="QR code to scan with your authenticator app" />
        <p>Cannot scan? Add this key by hand (time-based, 6 digits), or open the setup link on your phone.</p>
        <p>Key: <code aria-label="Secret key" className="secret">{secret.replace(/(.{4})(?!$)/g, '$1 ')}</code></p>
        <p className="setup-link">Setup link: <a href={barcodeUri}>{barcodeUri}</a></p>
        <CodeForm label="6-digit code from the app" name="otp" submit="Confirm" busy={busy}
          invalid={error?.code === 'invalid_otp'} onCode={(otp) => send({ type: 'otp.submit', otp })} />
      </section>
    );
  }
  if (inState(view, 'step.listing.choosing')) return <Chooser authenticators={view.authenticators} send={send} />;
  if (inState(view, 'step.verifying') && challenged(view)?.factor === 'push') return <PushWait view={view} send={send} busy={busy} error={error} />;
  if (inState(view, 'step.verifying')) return <Verify view={view} send={send} busy={busy} error={error} />;
  if (inState(view, 'locked')) {
    return <Locked ready={view.state === 'locked.ready'} until={view.waitUntil ?? Date.now()} send={send} />;
  }
  if (inState(view, 'failed') || view.state === 'lost') {
    return <button type="button" onClick={() => send({ type: 'retry' })}>Try again</button>;
  }
  if (view.outcome === 'authenticated') {
    const code = view.newRecoveryCode;
    return (
      <section aria-labelledby="done-title">
        <h2 id="done-title">You are signed in</h2>
        {code && <p>Your recovery code is used up. Save the new one now; it is shown only once: <code aria-label="New recovery code">{code}</code></p>}
      </section>
    );
  }
  if (view.outcome === 'cancelled') return <p>Sign-in cancelled.</p>;
  return null; // associating, listing.fetching, challenging, rateLimited: the status line says what happens
}

function busyText(view: FlowView): string {
  if (inState(view, 'rateLimited')) return 'The server asked us to slow down. Retrying shortly…';
  if (inState(view, 'step.needMfaToken.signingIn')) return 'Signing in…';
  if (inState(view, 'step.associating')) return 'Creating your authenticator…';
  if (inState(view, 'step.listing')) return 'Looking up your authenticator…';
  if (inState(view, 'step.challenging')) return 'Sending…';
  return 'Checking the code…';
}

/** ARIA for a field the current error is about. */
export function invalidProps(invalid: boolean) {
  return invalid ? { 'aria-invalid': true as const, 'aria-describedby': ERROR_ID } : {};
}

/** The value of a named field of the submitted form (uncontrolled inputs keep this file short). */
export function fieldOf(event: FormEvent<HTMLFormElement>, name: string): string {
  event.preventDefault();
  return (event.currentTarget.elements.namedItem(name) as HTMLInputElement).value;
}

function SignIn({ send, busy, error }: { send: Send; busy: boolean; error: FlowViewError | null }) {
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

export function CodeForm(props: {
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
export function QrCode({ uri, alt }: { uri: string; alt: string }) {
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
  return source ? <img className="qr" src={source} alt={alt} /> : <p className="qr">Drawing the QR code…</p>;
}

function Verify({ view, send, busy, error }: { view: FlowView; send: Send; busy: boolean; error: FlowViewError | null }) {
  const [withRecoveryCode, setWithRecoveryCode] = useState(false);
  const apps = appCount(view.authenticators);
  const factor = challenged(view);
  const message = factor !== undefined && factor.factor !== 'otp' && factor.factor !== 'push' ? factor.label : null;
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
      ) : message ? (
        <>
          <p>We sent a 6-digit code ({message}). Type it here.</p>
          <CodeForm label="6-digit code from the message" name="otp" submit="Sign in" busy={busy}
            invalid={error?.code === 'invalid_binding_code' || error?.code === 'invalid_otp'} onCode={(otp) => send({ type: 'otp.submit', otp })} />
          <ResendButton view={view} send={send} />
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
        {withRecoveryCode ? `Use ${message ? 'the code we sent' : 'your authenticator app'} instead` : 'Use a recovery code instead'}
      </button>
      <OtherMethod view={view} send={send} />
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
