// `npm run openapi`: writes openapi.json at the repository root from the controllers and DTOs.
// Nest's preview mode builds the module graph without creating providers, so no database is needed.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useApiPrefix } from '../app';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { buildOpenApiDocument } from '../http/openapi';
import { runCli } from './bootstrap';

export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');

/** The document as checked in: stable key order from the code, two-space indent, final newline. */
export function serializeOpenApi(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function writeOpenApi(config: AppConfig): Promise<number> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  useApiPrefix(app);
  writeFileSync(OPENAPI_FILE, serializeOpenApi(buildOpenApiDocument(app)));
  console.log(`wrote ${OPENAPI_FILE}`);
  return 0;
}

if (require.main === module) {
  runCli(writeOpenApi, { env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' } });
}
