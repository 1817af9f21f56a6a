// Long-running commands (emulator, inspector bridge, demo server) run until Ctrl-C or SIGTERM.
//
// Under npm (`npm start`, `npm run emulator`, `npx`) a shell sits between npm and node: npm
// passes a SIGTERM on to that shell, which dies of it without passing it on, and node would
// keep the port open with no parent. So when npm launched us, a parent that goes away counts as
// a stop signal too. (Ctrl-C reaches every process of the terminal's group, node included.)

/** How often the parent is looked at; the timer never keeps the process alive by itself. */
const PARENT_CHECK_MS = 250;

export interface StopSignalOptions {
  /** Also resolve once the process that started this one has exited (this one is orphaned). */
  whenParentExits?: boolean;
}

/** Whether npm started this process (through its script shell); npm sets npm_lifecycle_event. */
export function startedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['npm_lifecycle_event'] !== undefined;
}

/** Resolves on the first SIGINT or SIGTERM (or orphaning, if asked), then stops listening for them. */
export function untilStopSignal(options: StopSignalOptions = {}): Promise<void> {
  return new Promise<void>((resolve) => {
    const parent = process.ppid;
    const watch = options.whenParentExits
      ? setInterval(() => {
          if (process.ppid !== parent) stop();
        }, PARENT_CHECK_MS).unref()
      : undefined;
    const stop = () => {
      clearInterval(watch);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
