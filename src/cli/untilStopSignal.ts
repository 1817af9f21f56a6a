// Long-running commands (emulator, inspector bridge, demo server) run until Ctrl-C or SIGTERM.

/** Resolves on the first SIGINT or SIGTERM, then stops listening for them. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
