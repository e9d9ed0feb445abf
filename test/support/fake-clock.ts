import { Clock } from '../../src/core/clock';

/** A clock the test moves: expiry is tested by advancing time, never by sleeping through it. */
export class FakeClock extends Clock {
  private offsetMs = 0;

  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
