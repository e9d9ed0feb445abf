// `npm run webhook -- --order <id> --status success|failed [--key <k>] [--url http://localhost:3000]`:
// sends one payment delivery to a running server, signed as the gateway would sign it (with
// WEBHOOK_SECRET when it is set), so that trying the service out needs no real gateway.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { AppConfig } from '../config/app-config';
import { runCli } from './bootstrap';

async function sendDelivery(config: AppConfig): Promise<number> {
  const { values } = parseArgs({
    options: {
      order: { type: 'string' },
      status: { type: 'string' },
      key: { type: 'string' },
      url: { type: 'string', default: `http://localhost:${config.port}` },
    },
  });
  if (!values.order || (values.status !== 'success' && values.status !== 'failed')) {
    console.error('usage: npm run webhook -- --order <id> --status success|failed [--key <k>] [--url <base url>]');
    return 2;
  }
  const body = JSON.stringify({
    order_id: values.order,
    status: values.status,
    idempotency_key: values.key ?? `evt_${randomUUID()}`,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.webhookSecret !== null) {
    // The reference implementation of the scheme signs, so the server's own check is tested against it.
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = String(Math.floor(now.getTime() / 1000));
    headers['webhook-signature'] = new Webhook(config.webhookSecret).sign(id, now, body);
  } else {
    console.error('WEBHOOK_SECRET is not set: sending the delivery unsigned.');
  }
  const response = await fetch(new URL('/api/payments/webhook', values.url), { method: 'POST', headers, body });
  console.log(`${response.status} ${await response.text()}`);
  return response.ok ? 0 : 1;
}

runCli(sendDelivery, { failureExitCode: 2 });
