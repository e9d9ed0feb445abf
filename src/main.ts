import 'reflect-metadata';
import { createApp } from './app';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { seedDemoProducts } from './database/seed';
import { DataSource } from 'typeorm';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const app = await createApp(config);
  if (config.nodeEnv !== 'production' && config.nodeEnv !== 'test') {
    await seedDemoProducts(app.get(DataSource), true);
  }
  await app.listen(config.port, '0.0.0.0');
}

bootstrap().catch((error) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
