/**
 * Event ids of the live-stock streams: microseconds since the epoch, bumped by one when two
 * events fall in the same microsecond. They grow on each instance, and a client that reconnects
 * to another instance still sees them grow (both count from the same wall clock; the stream also
 * starts above the Last-Event-ID it was given, so a clock behind the old instance's cannot go back).
 */
export class EventIds {
  private last = 0;

  next(): number {
    this.last = Math.max(this.last + 1, Date.now() * 1000);
    return this.last;
  }

  /** An id above `floor` (the client's Last-Event-ID) as well. */
  nextAbove(floor: number): number {
    this.last = Math.max(this.next(), floor + 1);
    return this.last;
  }
}

/** A Last-Event-ID header as a number, or 0 when absent or not one of ours. */
export function parseLastEventId(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return 0;
  return Number(value.trim());
}
