// `npm run seed`: creates and migrates the database if needed, then adds the demo products.
import 'reflect-metadata';
import { withDataSource } from '../database/open-data-source';
import { prepareDatabase } from '../database/prepare-database';
import { seedDemoProducts } from '../products/demo-products';
import { runCli } from './bootstrap';

runCli(async (config) => {
  await prepareDatabase(config.database);
  const added = await withDataSource(config.database, (dataSource) =>
    dataSource.transaction((manager) => seedDemoProducts(manager, false)),
  );
  console.log(`Seeded ${added} demo product(s) into ${config.database.display}.`);
  return 0;
});
