import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_UI_PATH = 'api/docs';

/** The Standard Webhooks signature that the payment webhook requires when WEBHOOK_SECRET is set. */
export const WEBHOOK_SIGNATURE_SCHEME = 'webhookSignature';

/**
 * The OpenAPI 3 document, built from the controllers and DTOs. The checked-in openapi.json is this
 * document (`npm run openapi` rewrites it; a test fails when they differ).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('flash-sale-api')
    .setDescription('Holds, orders and payment webhooks for flash sales. Every error is application/problem+json (RFC 9457).')
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'The server that serves this document')
    .addSecurity(WEBHOOK_SIGNATURE_SCHEME, {
      type: 'apiKey',
      in: 'header',
      name: 'webhook-signature',
      description:
        'Standard Webhooks: HMAC-SHA256 of `webhook-id.webhook-timestamp.body` with WEBHOOK_SECRET, sent with the ' +
        'webhook-id and webhook-timestamp headers (5-minute tolerance). Required only when WEBHOOK_SECRET is set.',
    })
    // Customer routes: a JWT whose `sub` is the customer (when AUTH_JWT_SECRET or AUTH_JWKS_URL is
    // set); admin routes: ADMIN_API_KEY or a JWT with roles ["admin"].
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  // Anonymous unless an operation says otherwise (the customer and admin routes do: bearer).
  return { ...SwaggerModule.createDocument(app, config), security: [] };
}

/** Swagger UI at /api/docs, the JSON at /api/docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${OPENAPI_UI_PATH}-json`,
    yamlDocumentUrl: `${OPENAPI_UI_PATH}-yaml`,
  });
}
