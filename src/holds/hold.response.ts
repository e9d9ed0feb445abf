import { Hold, HoldStatus } from './hold.entity';

export interface HoldResponse {
  id: string;
  product_id: number;
  qty: number;
  status: HoldStatus;
  expires_at: string;
}

/**
 * An active hold past its expiry is reported as expired straight away, even before the sweep
 * has marked it: it no longer holds anything for anyone.
 */
export function toHoldResponse(hold: Hold, now: Date): HoldResponse {
  const overdue = hold.status === 'active' && hold.expiresAt.getTime() <= now.getTime();
  return {
    id: hold.id,
    product_id: hold.productId,
    qty: hold.qty,
    status: overdue ? 'expired' : hold.status,
    expires_at: hold.expiresAt.toISOString(),
  };
}
