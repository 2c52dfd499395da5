/**
 * A failure the command line explains and exits on: what happened, and a hint on what to do.
 * Nothing secret is ever in it.
 */
export class CliError extends Error {
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}
