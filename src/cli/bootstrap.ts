// What every entry point shares: the configuration loaded and validated once, and a failure
// printed as one line (no stack) and turned into an exit code.
import { AppConfig, ConfigError, Env, loadConfig } from '../config/app-config';

export interface CliOptions {
  /** The environment to read (default: the process's). */
  env?: Env;
  /** Exit code of a failure, invalid configuration included (default 1). */
  failureExitCode?: number;
  /** Put before the message of a failure other than invalid configuration ("Failed to start:"). */
  failurePrefix?: string;
}

/**
 * Runs `main` with the validated configuration. It resolves to an exit code, or to nothing when
 * the process must go on running (a server). An invalid configuration stops it with the message
 * that names the variable.
 */
export function runCli(main: (config: AppConfig) => Promise<number | void>, options: CliOptions = {}): void {
  Promise.resolve()
    .then(() => main(loadConfig(options.env)))
    .then(
      (code) => {
        if (code !== undefined) process.exit(code);
      },
      (error: unknown) => {
        console.error(describeFailure(error, options.failurePrefix));
        process.exit(options.failureExitCode ?? 1);
      },
    );
}

function describeFailure(error: unknown, prefix: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof ConfigError || prefix === undefined ? message : `${prefix} ${message}`;
}
