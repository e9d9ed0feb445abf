// `npm run openapi`: writes openapi.json at the repository root from the controllers and DTOs.
// Nest's preview mode builds the module graph without creating providers, so no database is needed.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { buildOpenApiDocument } from '../http/openapi';

export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');

/** The document as checked in: stable key order from the code, two-space indent, final newline. */
export function serializeOpenApi(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  // Same prefix rule as createApp (src/app.ts); the openapi test compares the served document.
  app.setGlobalPrefix('api', { exclude: ['health', 'health/ready', 'metrics'] });
  writeFileSync(OPENAPI_FILE, serializeOpenApi(buildOpenApiDocument(app)));
  console.log(`wrote ${OPENAPI_FILE}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
