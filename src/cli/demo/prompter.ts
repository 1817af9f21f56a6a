// Line-based prompts for the terminal demo over readline: answers typed ahead (or piped in) are
// kept, a password is not echoed on a terminal, and Ctrl-C or the end of input ends a pending
// question with `null` instead of leaving it hanging.
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

export interface PrompterStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

export class Prompter {
  private readonly rl: Interface;
  private readonly typedAhead: string[] = [];
  private pending: ((line: string | null) => void) | null = null;
  private ended = false;
  private muted = false;
  private readonly terminal: boolean;

  constructor(private readonly streams: PrompterStreams, onInterrupt: () => void) {
    this.terminal = streams.input.isTTY === true;
    // readline echoes what is typed through this stream, so muting it hides a password.
    const echo = new Writable({
      write: (chunk, _encoding, done) => {
        if (!this.muted) streams.output.write(chunk);
        done();
      },
    });
    this.rl = createInterface({ input: streams.input, output: echo, terminal: this.terminal });
    this.rl.on('line', (line) => {
      if (this.pending) this.settle(line);
      else this.typedAhead.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      this.settle(null);
    });
    // On a terminal, readline reads Ctrl-C as a key and reports it here rather than as a signal.
    this.rl.on('SIGINT', onInterrupt);
  }

  /** Asks and waits for one line; `null` when the input ended or the question was interrupted, or
   *  when `signal` aborts first (the flow moved on by itself; a line typed later waits for the next question). */
  async ask(question: string, options: { secret?: boolean; signal?: AbortSignal } = {}): Promise<string | null> {
    this.rl.setPrompt(question);
    this.rl.prompt(true);
    const typed = this.typedAhead.shift();
    if (typed !== undefined) {
      if (!this.terminal) this.streams.output.write('\n');
      return typed;
    }
    if (this.ended) {
      this.streams.output.write('\n');
      return null;
    }
    if (options.signal?.aborted) return null;
    this.muted = options.secret === true && this.terminal;
    const abandon = () => this.settle(null);
    options.signal?.addEventListener('abort', abandon, { once: true });
    const line = await new Promise<string | null>((resolve) => (this.pending = resolve));
    options.signal?.removeEventListener('abort', abandon);
    // Nobody pressed Enter: end the question's line before whatever is printed next.
    if (line === null && options.signal?.aborted && this.terminal) this.streams.output.write('\n');
    if (this.muted || !this.terminal) this.streams.output.write('\n');
    this.muted = false;
    return line;
  }

  /** Ends a pending question with `null` (Ctrl-C). */
  interrupt(): void {
    this.ended = true;
    this.settle(null);
  }

  close(): void {
    this.rl.close();
  }

  private settle(line: string | null): void {
    const pending = this.pending;
    this.pending = null;
    pending?.(line);
  }
}
