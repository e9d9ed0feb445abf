import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';

/** The storefront's static files: `public/` at the repository root (next to `dist/` and `src/`). */
export const STOREFRONT_ROOT = join(__dirname, '..', '..', 'public');

/**
 * Serves the storefront page at `/` (index.html, app.js, style.css). Only the files that exist
 * get routes (no wildcard), so every other unknown path still answers the API's problem+json 404.
 * The page loads its script from its own origin, which helmet's default CSP allows as it is.
 */
export function serveStorefront(app: NestFastifyApplication): void {
  app.useStaticAssets({ root: STOREFRONT_ROOT, prefix: '/', wildcard: false, index: ['index.html'] });
}
