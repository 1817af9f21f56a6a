// The outbox: every message the emulator "sends" (SMS, voice call, email, push notification),
// kept in memory, newest last, and announced on the message log as one line. It is how a person
// or a test reads the code Auth0 would have texted, the way Firebase's Auth emulator prints SMS
// codes and serves them on an emulator-only REST route.
export type OutboxChannel = 'sms' | 'voice' | 'email' | 'push';

export interface OutboxMessage {
  /** `msg_1`, `msg_2`, … in the order sent. */
  id: string;
  channel: OutboxChannel;
  /** The phone number (E.164), the email address, or for push the Guardian device's id (`dev_…`). */
  to: string;
  /** The code the user types (the mfa-oob grant's `binding_code`); null for push. */
  code: string | null;
  text: string;
  purpose: 'enrollment' | 'challenge';
  /** The user's login (email), whoever the message went to. */
  user: string;
  /** As GET /mfa/authenticators lists it (`sms|dev_…`). */
  authenticatorId: string;
  /** Push: the request the emulated device answers (`POST /emulator/v1/guardian/requests/{id}/accept`). */
  requestId: string | null;
  /** ISO 8601, from the emulator's clock. */
  sentAt: string;
}

export interface OutboxFilter {
  /** The recipient: a phone number, an email address (any case) or a device id. */
  to?: string;
  channel?: OutboxChannel;
}

/** What code sees of the outbox (`emulator.outbox`). */
export interface EmulatorOutbox {
  /** Messages sent so far, oldest first, optionally only those to one recipient or on one channel. */
  messages(filter?: OutboxFilter): OutboxMessage[];
  /** The newest message matching the filter. */
  latest(filter?: OutboxFilter): OutboxMessage | undefined;
  /** Forgets every message. */
  clear(): void;
}

/** The oldest messages go once there are this many, so a long-running emulator stays small. */
export const OUTBOX_CAPACITY = 1000;

export class Outbox implements EmulatorOutbox {
  readonly #messages: OutboxMessage[] = [];
  readonly #clock: () => number;
  readonly #log: ((line: string) => void) | undefined;
  #sent = 0;

  constructor(clock: () => number, log: ((line: string) => void) | undefined) {
    this.#clock = clock;
    this.#log = log;
  }

  /** Keeps a message and writes its line (which may hold the code: that is what the log is for). */
  send(message: Omit<OutboxMessage, 'id' | 'sentAt'>, line: string): OutboxMessage {
    const stored: OutboxMessage = { id: `msg_${++this.#sent}`, ...message, sentAt: new Date(this.#clock()).toISOString() };
    this.#messages.push(stored);
    if (this.#messages.length > OUTBOX_CAPACITY) this.#messages.splice(0, this.#messages.length - OUTBOX_CAPACITY);
    this.#log?.(line);
    return { ...stored };
  }

  /** A line on the message log that is no message (e.g. a push enrollment waiting for its scan). */
  note(line: string): void {
    this.#log?.(line);
  }

  messages(filter: OutboxFilter = {}): OutboxMessage[] {
    const to = filter.to?.toLowerCase();
    return this.#messages.filter((m) => (to === undefined || m.to.toLowerCase() === to) && (filter.channel === undefined || m.channel === filter.channel)).map((m) => ({ ...m }));
  }

  latest(filter?: OutboxFilter): OutboxMessage | undefined {
    return this.messages(filter).at(-1);
  }

  clear(): void {
    this.#messages.length = 0;
  }
}
