// The emulated phone beside the chart, shown when the page runs on the embedded emulator: what
// it texted, called or emailed (its outbox, polled), and the emulated Auth0 Guardian app, which
// scans a push enrollment and accepts or rejects a push sign-in. It talks only to the emulator's
// own routes (/emulator/v1/…), never to the flow: the flow learns of an answer by polling, as it
// would from a real phone.
import { h } from './dom.js';

const POLL_MS = 1_000;
/** The newest messages are the interesting ones. */
const SHOWN_MESSAGES = 6;
const API = '/emulator/v1';

interface Message {
  id: string;
  channel: 'sms' | 'voice' | 'email' | 'push';
  to: string;
  code: string | null;
  sentAt: string;
}
interface GuardianState {
  enrollments: Array<{ user: string; barcodeUri: string }>;
  requests: Array<{ id: string; user: string; status: string }>;
}

const CHANNEL_NAMES: Readonly<Record<Message['channel'], string>> = { sms: 'SMS', voice: 'Call', email: 'Email', push: 'Push' };

export function mountPhonePanel(panel: HTMLElement): () => void {
  // Polite, and focusable: the button just pressed goes away with the request it answered.
  const note = h('p', { class: 'hint', role: 'status', tabindex: -1, 'data-testid': 'phone-note' });
  const guardian = h('div', { 'data-testid': 'phone-guardian' });
  // A log: a screen reader hears each new message once, as it arrives.
  const inbox = h('ol', { class: 'inbox', role: 'log', 'aria-label': 'Messages received', 'data-testid': 'phone-inbox' });
  panel.replaceChildren(
    h('h2', { id: 'phone-title' }, 'Emulated phone'),
    h('p', { class: 'hint' }, 'What Auth0 would send to the user’s phone, from the emulator’s outbox, and its Guardian app.'),
    guardian,
    note,
    h('h3', {}, 'Messages'),
    inbox,
  );
  panel.hidden = false;

  let shown = '';
  let stopped = false;
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(`${API}${path}`, {
      method,
      cache: 'no-store',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const json = (await response.json().catch(() => ({}))) as { error_description?: string };
    if (!response.ok) throw new Error(json.error_description ?? `HTTP ${response.status}`);
    return json;
  };
  const act = (label: string, action: () => Promise<unknown>) => async () => {
    try {
      await action();
      note.textContent = label;
    } catch (error) {
      note.textContent = `The emulated phone could not do that: ${error instanceof Error ? error.message : String(error)}`;
    }
    await refresh();
    // Unless the flow's next screen took the focus already, keep it in the panel rather than on <body>.
    if (document.activeElement === null || document.activeElement === document.body) note.focus();
  };

  const render = (messages: Message[], state: GuardianState) => {
    const pendingRequests = state.requests.filter((request) => request.status === 'pending');
    const key = JSON.stringify([messages.map((message) => message.id), state.enrollments.map((e) => e.barcodeUri), pendingRequests.map((r) => r.id)]);
    if (key === shown) return; // unchanged: keep the buttons (and the focus on them) as they are
    shown = key;

    const items: HTMLElement[] = [];
    for (const enrollment of state.enrollments) {
      const scan = h('button', { type: 'button', 'data-testid': 'phone-scan' }, 'Scan');
      scan.addEventListener('click', act('Guardian scanned the QR code.', () => call('POST', '/guardian/devices', { barcodeUri: enrollment.barcodeUri })));
      items.push(h('div', { class: 'push-card' }, h('p', {}, `Guardian: a QR code to scan for ${enrollment.user}`), h('p', {}, scan)));
    }
    for (const request of pendingRequests) {
      const accept = h('button', { type: 'button', 'data-testid': 'phone-accept' }, 'Accept');
      const reject = h('button', { type: 'button', class: 'secondary', 'data-testid': 'phone-reject' }, 'Reject');
      const path = `/guardian/requests/${encodeURIComponent(request.id)}`;
      accept.addEventListener('click', act('Guardian accepted the sign-in.', () => call('POST', `${path}/accept`)));
      reject.addEventListener('click', act('Guardian rejected the sign-in.', () => call('POST', `${path}/reject`)));
      items.push(h('div', { class: 'push-card' }, h('p', {}, `Guardian: is it you signing in as ${request.user}?`), h('p', { class: 'actions' }, accept, ' ', reject)));
    }
    guardian.replaceChildren(...items);

    inbox.replaceChildren(
      ...messages
        .slice(-SHOWN_MESSAGES)
        .reverse()
        .map((message) =>
          message.code === null
            ? // A push notification carries no code: it is answered with the buttons above.
              h('li', { 'data-testid': 'phone-message', 'data-channel': message.channel }, `${CHANNEL_NAMES[message.channel]}: a sign-in request`)
            : h(
                'li',
                { 'data-testid': 'phone-message', 'data-channel': message.channel, 'data-code': message.code },
                `${CHANNEL_NAMES[message.channel]} to ${message.to}: `,
                h('strong', { class: 'code' }, message.code),
              ),
        ),
    );
    if (inbox.children.length === 0) inbox.append(h('li', { class: 'hint' }, 'Nothing yet.'));
  };

  async function refresh(): Promise<void> {
    try {
      const [{ messages }, state] = (await Promise.all([call('GET', '/outbox'), call('GET', '/guardian')])) as [{ messages: Message[] }, GuardianState];
      if (!stopped) render(messages, state);
    } catch {
      // The server is restarting or gone: the next poll tries again.
    }
  }
  void refresh();
  const timer = window.setInterval(() => void refresh(), POLL_MS);
  return () => {
    stopped = true;
    window.clearInterval(timer);
  };
}
