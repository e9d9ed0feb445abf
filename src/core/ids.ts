import { v7 } from 'uuid';

/** Ids of holds and orders: UUIDv7, unguessable yet time-ordered (cheap to insert). */
export function newId(): string {
  return v7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a client-supplied id could name a hold or order at all (lowercase UUID text). */
export function isWellFormedId(id: string): boolean {
  return UUID.test(id);
}
