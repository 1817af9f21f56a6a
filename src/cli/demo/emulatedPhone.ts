// The phone of a demo run against the emulator: what it texted, called or emailed, read from the
// outbox, and the emulated Guardian app that scans a push enrollment and answers a push, all over
// the emulator's own HTTP routes (/emulator/v1/…), as a separate app on the user's phone would.
// Nothing here is Auth0's API: against a real tenant there is no such phone.

export interface EmulatedPhone {
  /** The code of the newest message to `to` (a phone number or an email address). */
  latestCode(to: string): Promise<string>;
  /** The emulated Guardian app scans a push enrollment's QR code. */
  scan(barcodeUri: string): Promise<void>;
  /** The newest push sign-in request still waiting for an answer (of `user`, when given). */
  pendingPush(user?: string): Promise<string | null>;
  answerPush(requestId: string, answer: 'accept' | 'reject'): Promise<void>;
}

interface OutboxMessage {
  code: string | null;
}
interface PushRequest {
  id: string;
  status: string;
}

export function emulatedPhone(baseUrl: string): EmulatedPhone {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${baseUrl}/emulator/v1${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const answer = (await response.json().catch(() => ({}))) as { error_description?: string };
    // The emulator's own routes refuse in Auth0's envelope; their descriptions hold no code or token.
    if (!response.ok) throw new Error(`the emulated phone: ${response.status} ${answer.error_description ?? ''}`.trim());
    return answer;
  };
  return {
    async latestCode(to) {
      const { messages } = (await call('GET', `/outbox?${new URLSearchParams({ to })}`)) as { messages: OutboxMessage[] };
      const code = messages.at(-1)?.code;
      if (!code) throw new Error('the emulated phone: no message has come yet');
      return code;
    },
    async scan(barcodeUri) {
      await call('POST', '/guardian/devices', { barcodeUri });
    },
    async pendingPush(user) {
      const { requests } = (await call('GET', `/guardian/requests${user === undefined ? '' : `?${new URLSearchParams({ user })}`}`)) as {
        requests: PushRequest[];
      };
      return requests.filter((request) => request.status === 'pending').at(-1)?.id ?? null;
    },
    async answerPush(requestId, answer) {
      await call('POST', `/guardian/requests/${encodeURIComponent(requestId)}/${answer}`);
    },
  };
}
