import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply } from 'fastify';
import { join } from 'node:path';

/** The storefront's static files: `public/` at the repository root (next to `dist/` and `src/`). */
export const STOREFRONT_ROOT = join(__dirname, '..', '..', 'public');

/**
 * Serves the storefront page at `/` (index.html, app.js, style.css). Only the files that exist
 * get routes (no wildcard), so every other unknown path still answers the API's problem+json 404.
 * The page loads its script and styles from its own origin, which helmet's CSP allows as it is.
 */
export function serveStorefront(app: NestFastifyApplication): void {
  app.useStaticAssets({
    root: STOREFRONT_ROOT,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    // @fastify/static passes the Fastify reply here (Nest's typing names a `setHeader` it lacks).
    setHeaders: (reply, path) => allowPlainHttp(reply as unknown as FastifyReply, path),
  });
}

/**
 * The page's CSP, narrowed by one directive: `upgrade-insecure-requests` would make a browser
 * fetch the page's own script over https when the service is reached over plain http on a LAN
 * address (`npm start` on another machine), leaving a blank page. Behind TLS, HSTS (still sent)
 * keeps the browser on https anyway. Every other answer keeps helmet's whole policy.
 */
function allowPlainHttp(reply: FastifyReply, path: string): void {
  if (!path.endsWith('.html')) return;
  const policy = reply.getHeader('content-security-policy');
  if (typeof policy !== 'string') return;
  const kept = policy.split(';').filter((directive) => directive.trim() !== 'upgrade-insecure-requests');
  reply.header('content-security-policy', kept.join(';'));
}
