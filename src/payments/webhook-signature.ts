// The Standard Webhooks scheme (what Svix- and Stripe-style gateways send): the gateway signs
// "<webhook-id>.<webhook-timestamp>.<raw body>" with HMAC-SHA256 and sends `v1,<base64>` in
// `webhook-signature`, several space-separated during a secret rotation.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX } from '../config/app-config';

/** How far the timestamp may be from our clock, either way: replays older than this are refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export type SignatureFailure = 'missing-headers' | 'stale-timestamp' | 'no-valid-signature';

export type SignatureHeaders = Record<string, string | string[] | undefined>;

export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, computed over the body's exact bytes. */
export function signWebhook(key: Buffer, id: string, timestamp: number, body: Buffer): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/**
 * Checks a delivery; returns null when it is authentic, else why not. The comparison is in
 * constant time, and every candidate signature is compared (no early exit on the first v1 that
 * fails), so the timing says nothing about which one was close.
 */
export function verifyWebhook(key: Buffer, headers: SignatureHeaders, body: Buffer, now: Date): SignatureFailure | null {
  const id = single(headers['webhook-id']);
  const timestampText = single(headers['webhook-timestamp']);
  const signatures = single(headers['webhook-signature']);
  if (!id || !timestampText || !signatures || !/^\d{1,15}$/.test(timestampText)) return 'missing-headers';
  const timestamp = Number(timestampText);
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > WEBHOOK_TOLERANCE_SECONDS) return 'stale-timestamp';

  const expected = Buffer.from(signWebhook(key, id, timestamp, body));
  let valid = false;
  for (const candidate of signatures.split(' ')) {
    const given = Buffer.from(candidate);
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid ? null : 'no-valid-signature';
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
