import { DestinationStream } from 'pino';

/** One JSON log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { level: number; event?: string; msg?: string };

/**
 * The test app's log destination: every pino line, parsed, so a test asserts the contract's log
 * events (`event` and their fields) the way an operator's log pipeline reads them.
 * TEST_LOG_LEVEL=debug (or any level) also echoes the lines to stdout.
 */
export class LogCapture implements DestinationStream {
  private lines: LogLine[] = [];

  constructor(private readonly echo = false) {}

  write(line: string): void {
    if (this.echo) process.stdout.write(line);
    this.lines.push(JSON.parse(line) as LogLine);
  }

  /** The lines of one event, oldest first. */
  events(name: string): LogLine[] {
    return this.lines.filter((line) => line.event === name);
  }

  /** Every line's `event` in order (lines without one left out). */
  eventNames(): string[] {
    return this.lines.flatMap((line) => (typeof line.event === 'string' ? [line.event] : []));
  }

  /** Forgets what was captured so far: a test then sees only the lines of its own requests. */
  clear(): void {
    this.lines = [];
  }
}
