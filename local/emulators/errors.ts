/**
 * A failure the local stack explains in one line (the CLI prints `message` and exits 1):
 * port in use, data directory not writable, data directory already in use, bad flag.
 */
export class LocalStackError extends Error {
  constructor(
    readonly code: 'PORT_IN_USE' | 'DATA_DIR_NOT_WRITABLE' | 'DATA_DIR_LOCKED' | 'BAD_ARGUMENT' | 'BAD_KEY_FILE' | 'BAD_TEMPLATE' | 'ALREADY_RUNNING',
    message: string,
  ) {
    super(message);
    this.name = 'LocalStackError';
  }
}
