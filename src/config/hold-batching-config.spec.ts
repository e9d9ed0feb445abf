import { ConfigError, loadConfig } from './app-config';

describe('hold batching configuration', () => {
  it('batches by default, 256 requests per batch, 10,000 waiting per product', () => {
    expect(loadConfig({})).toMatchObject({ holdBatching: true, holdBatchMax: 256, holdQueueMax: 10_000 });
  });

  it('reads HOLD_BATCHING=on|off, HOLD_BATCH_MAX and HOLD_QUEUE_MAX', () => {
    expect(loadConfig({ HOLD_BATCHING: 'OFF', HOLD_BATCH_MAX: '32', HOLD_QUEUE_MAX: '500' })).toMatchObject({
      holdBatching: false,
      holdBatchMax: 32,
      holdQueueMax: 500,
    });
  });

  it.each([
    ['HOLD_BATCHING', 'yes'],
    ['HOLD_BATCH_MAX', '0'],
    ['HOLD_BATCH_MAX', 'many'],
    ['HOLD_QUEUE_MAX', '0'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });
});
