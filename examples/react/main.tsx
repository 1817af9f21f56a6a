// Entry of the React example page (`npm run example:react`): reads /config.json from the demo
// server, then renders MfaScreen against the API it names (the embedded emulator by default).
// "Start again" mounts a fresh screen, with a fresh flow; the code advice is one for the page.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createCodeAdvice } from '../../src/cli/demo/codeAdvice.js';
import { loadConfig, type DemoConfig } from '../server/config.js';
// Not part of the example proper: the web demo's emulated phone (outbox, Guardian), in plain DOM.
import { mountPhonePanel } from '../web/src/phonePanel.js';
import { MfaScreen } from './MfaScreen.js';

function App({ config }: { config: DemoConfig }) {
  const [screen, setScreen] = useState(0);
  const [advice] = useState(() => createCodeAdvice(config.attempts ? { attempts: config.attempts } : {}));
  const options = {
    baseUrl: config.apiBaseUrl ?? window.location.origin,
    clientId: config.clientId,
    mfaAudience: config.mfaAudience,
    // Enrolls a factor first when the user has none: one of these (all five on the emulator).
    intent: 'challenge' as const,
    factors: config.factors ?? ['otp'],
  };
  return (
    <>
      <header>
        <p className="subtitle">
          mfa-flow React example · API: {config.mode === 'emulator' ? `embedded emulator (${config.tenant})` : `Auth0 tenant ${config.tenant}`}
        </p>
        {config.demoUser && (
          <p className="hint">Demo user: <code>{config.demoUser.email}</code> / <code>{config.demoUser.password}</code></p>
        )}
      </header>
      {config.serverFlows ? (
        // The flow runs on the demo server (`npm run example:react -- --server-flows`).
        <MfaScreen key={screen} remote={{ url: '/mfa-flow', intent: 'challenge', factors: options.factors }} advice={advice} onRestart={() => setScreen((n) => n + 1)} />
      ) : (
        <MfaScreen key={screen} options={options} advice={advice} onRestart={() => setScreen((n) => n + 1)} />
      )}
    </>
  );
}

const root = createRoot(document.getElementById('root')!);
loadConfig().then(
  (config) => {
    const phone = document.getElementById('phone');
    if (config.emulatedPhone && phone) mountPhonePanel(phone);
    root.render(<StrictMode><App config={config} /></StrictMode>);
  },
  (error: unknown) => root.render(<p role="alert">The example could not start: {error instanceof Error ? error.message : String(error)}</p>),
);
