import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, webhookKey } from './webhook-signature';

// Deliveries are signed with the scheme's reference implementation (the standardwebhooks
// package), so these tests check that our verifier speaks the standard, not just itself.
describe('webhook signatures (Standard Webhooks)', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const key = webhookKey(secret);
  const body = Buffer.from('{"order_id":"o-1","status":"success","idempotency_key":"evt_1"}');
  const now = new Date('2026-11-25T06:00:00.000Z');
  const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

  function signed(at: Date = now, payload: Buffer = body, signer = secret) {
    return {
      'webhook-id': 'msg_1',
      'webhook-timestamp': seconds(at),
      'webhook-signature': new Webhook(signer).sign('msg_1', at, payload.toString()),
    };
  }

  it('accepts a delivery signed by the reference implementation', () => {
    expect(verifyWebhook(key, signed(), body, now)).toBeNull();
  });

  it('refuses a changed body, id or timestamp', () => {
    expect(verifyWebhook(key, signed(), Buffer.from(body.toString().replace('success', 'failed')), now)).toBe(
      'no-valid-signature',
    );
    expect(verifyWebhook(key, { ...signed(), 'webhook-id': 'msg_2' }, body, now)).toBe('no-valid-signature');
    const later = new Date(now.getTime() + 1000);
    expect(verifyWebhook(key, { ...signed(), 'webhook-timestamp': seconds(later) }, body, now)).toBe('no-valid-signature');
  });

  it('refuses a signature made with another secret', () => {
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(verifyWebhook(key, signed(now, body, other), body, now)).toBe('no-valid-signature');
  });

  it('accepts any valid one of several signatures (secret rotation)', () => {
    const old = `whsec_${randomBytes(32).toString('base64')}`;
    const headers = signed();
    const rotated = `${signed(now, body, old)['webhook-signature']} ${headers['webhook-signature']}`;
    expect(verifyWebhook(key, { ...headers, 'webhook-signature': rotated }, body, now)).toBeNull();
    expect(
      verifyWebhook(key, { ...headers, 'webhook-signature': `v2,abc ${headers['webhook-signature']}` }, body, now),
    ).toBeNull();
  });

  it('allows 5 minutes of clock difference either way, and no more', () => {
    const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
    expect(verifyWebhook(key, signed(minutes(-5)), body, now)).toBeNull();
    expect(verifyWebhook(key, signed(minutes(5)), body, now)).toBeNull();
    expect(verifyWebhook(key, signed(minutes(-5.1)), body, now)).toBe('stale-timestamp');
    expect(verifyWebhook(key, signed(minutes(5.1)), body, now)).toBe('stale-timestamp');
  });

  it('refuses missing, repeated or malformed headers', () => {
    const headers = signed();
    expect(verifyWebhook(key, { ...headers, 'webhook-id': undefined }, body, now)).toBe('missing-headers');
    expect(verifyWebhook(key, { ...headers, 'webhook-signature': undefined }, body, now)).toBe('missing-headers');
    expect(verifyWebhook(key, { ...headers, 'webhook-timestamp': 'soon' }, body, now)).toBe('missing-headers');
    // Digits with anything before or after them are no timestamp either, however they would parse.
    const timestamp = headers['webhook-timestamp'];
    expect(verifyWebhook(key, { ...headers, 'webhook-timestamp': `x${timestamp}` }, body, now)).toBe('missing-headers');
    expect(verifyWebhook(key, { ...headers, 'webhook-timestamp': `${timestamp}x` }, body, now)).toBe('missing-headers');
    expect(verifyWebhook(key, { ...headers, 'webhook-id': ['a', 'b'] }, body, now)).toBe('missing-headers');
    expect(verifyWebhook(key, { ...headers, 'webhook-signature': 'v1,' }, body, now)).toBe('no-valid-signature');
  });
});
