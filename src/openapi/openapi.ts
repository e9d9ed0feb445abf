import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_UI_PATH = 'api/docs';

/**
 * The OpenAPI 3 document, built from the controllers and DTOs. The checked-in openapi.json is this
 * document (`npm run openapi` rewrites it; a test fails when they differ).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('flash-sale-api')
    .setDescription(
      'Holds, orders and payment webhooks for flash sales. Every error is application/problem+json (RFC 9457).',
    )
    .setVersion('1')
    // Customer routes: a JWT whose `sub` is the customer; admin routes: ADMIN_API_KEY or a JWT with roles ["admin"].
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /api/docs, the JSON at /api/docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${OPENAPI_UI_PATH}-json`,
    yamlDocumentUrl: `${OPENAPI_UI_PATH}-yaml`,
  });
}
