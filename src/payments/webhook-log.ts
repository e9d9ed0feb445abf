/** What became of a delivery, as stored in `webhook_logs.result` (the audit trail of every delivery). */
export type WebhookResult = 'processed' | 'duplicate' | 'ignored' | 'not_found';
