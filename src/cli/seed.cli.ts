// `npm run seed`: creates and migrates the database if needed, then adds the demo products.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { prepareDatabase } from '../database/prepare-database';
import { seedDemoProducts } from '../products/demo-products';

async function main(): Promise<void> {
  const config = loadConfig();
  await prepareDatabase(config.database);
  const dataSource = await new DataSource(dataSourceOptions(config.database, 2)).initialize();
  try {
    const added = await dataSource.transaction((manager) => seedDemoProducts(manager, false));
    console.log(`Seeded ${added} demo product(s) into ${config.database.display}.`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
