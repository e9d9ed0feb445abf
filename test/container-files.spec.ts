import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// No Docker engine runs where the tests run: the container files are checked by reading them. The
// same topology (two or three instances on one MySQL and one Redis) runs as processes in
// multi-instance.e2e-spec.ts.

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes?: Record<string, unknown>;
  };
  const { services } = compose;

  it('runs MySQL 8.4, Redis 7, two app instances, a proxy, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['app1', 'app2', 'grafana', 'mysql', 'prometheus', 'proxy', 'redis']);
    expect(services.mysql.image).toBe('mysql:8.4');
    expect(services.redis.image).toMatch(/^redis:7(\b|-)/);
    expect(services.mysql.healthcheck?.test).toBeDefined();
    expect(services.redis.healthcheck?.test).toBeDefined();
  });

  it('points both instances at the same database and Redis, built from this Dockerfile', () => {
    for (const name of ['app1', 'app2']) {
      const app = services[name];
      expect(app.build).toBe('.');
      expect(app.environment).toMatchObject({
        NODE_ENV: 'production',
        PORT: '3000',
        DATABASE_URL: expect.stringMatching(/^mysql:\/\/flash:[^@]+@mysql:3306\/flash_sale$/),
        REDIS_URL: 'redis://redis:6379',
      });
      expect(app.depends_on).toEqual({
        mysql: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(app.ports).toBeUndefined(); // reachable only through the proxy
    }
    expect(services.app1.environment).toEqual(services.app2.environment);
  });

  it('checks every variable it sets against the service configuration', async () => {
    const { loadConfig } = await import('../src/config/app-config');
    const env = Object.fromEntries(
      Object.entries(services.app1.environment ?? {}).map(([k, v]) => [k, v.replace(/\$\{(\w+):-([^}]*)\}/g, '$2')]),
    );
    const config = loadConfig(env);
    expect(config.database).toMatchObject({ host: 'mysql', port: 3306, user: 'flash', database: 'flash_sale' });
    expect(config.redisUrl).toBe('redis://redis:6379');
  });

  it('publishes only the proxy, whose config file exists and balances over both instances', () => {
    expect(services.proxy.image).toMatch(/^nginx:/);
    expect(services.proxy.ports).toEqual(['8080:80']);
    const mount = services.proxy.volumes?.[0] ?? '';
    const [source, target] = mount.split(':');
    expect(target).toBe('/etc/nginx/nginx.conf');
    expect(existsSync(join(root, source))).toBe(true);
    const nginx = read(source);
    expect(nginx).toMatch(/server app1:3000\b/);
    expect(nginx).toMatch(/server app2:3000\b/);
    expect(nginx).toMatch(/proxy_pass http:\/\/flash_sale;/);
    // Braces balance: a cheap guard against a truncated edit.
    expect((nginx.match(/\{/g) ?? []).length).toBe((nginx.match(/\}/g) ?? []).length);
  });
});

describe('Prometheus and Grafana (docker-compose.yml)', () => {
  const { services } = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
  const mounted = (service: string, target: string) => {
    const mount = services[service].volumes?.find((v) => v.split(':')[1] === target) ?? '';
    const source = join(root, mount.split(':')[0]);
    expect(existsSync(source)).toBe(true);
    return source;
  };

  it('scrapes both instances directly, and provisions the data source and the dashboard Grafana shows', () => {
    const prometheus = parse(readFileSync(mounted('prometheus', '/etc/prometheus/prometheus.yml'), 'utf8'));
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual(['app1:3000', 'app2:3000']);
    const provisioning = mounted('grafana', '/etc/grafana/provisioning');
    const datasource = parse(readFileSync(join(provisioning, 'datasources', 'prometheus.yml'), 'utf8')).datasources[0];
    expect(datasource).toMatchObject({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' });
    const dashboards = parse(readFileSync(join(provisioning, 'dashboards', 'flash-sale.yml'), 'utf8')).providers[0];
    expect(dashboards.options.path).toBe('/var/lib/grafana/dashboards');
    const dashboard = JSON.parse(
      readFileSync(join(mounted('grafana', '/var/lib/grafana/dashboards'), 'flash-sale.json'), 'utf8'),
    );
    for (const panel of dashboard.panels.filter((p: { type: string }) => p.type !== 'row')) {
      expect(panel.datasource.uid).toBe(datasource.uid);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('is multi-stage, runs as a non-root user, and starts node dist/main with the server node flags', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^COPY --from=build /m);
    expect(dockerfile).toMatch(/^USER node$/m);
    // The V8 flags of src/config/node-flags.ts (its spec checks they are the same list).
    expect(dockerfile).toMatch(
      /^CMD \["node", "--max-semi-space-size=8", "--heap-growing-percent=50", "--no-parallel-scavenge", "dist\/main"\]$/m,
    );
    const node = JSON.parse(read('package.json')).engines.node as string;
    // Node 24 LTS is the target (the image, .nvmrc); Node 22 keeps working, so it is the floor.
    expect(node).toMatch(/^>=22\./);
    expect(read('.nvmrc').trim()).toBe('24');
    expect(dockerfile.match(/^FROM node:(\d+)/gm)?.every((line) => line.endsWith(':24'))).toBe(true);
  });

  it('copies only what .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
    for (const copied of [
      'src',
      'public',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'nest-cli.json',
    ]) {
      expect(ignored).not.toContain(copied);
      expect(existsSync(join(root, copied))).toBe(true);
    }
  });
});
