// The MySQL/MariaDB server that the tests and the benchmark create their databases on: one
// database per test file (or per bench scenario), dropped afterwards.
import { createConnection } from 'mysql2/promise';

/** The server of `url` (default the local MariaDB); any database named in it is ignored. */
export function serverUrl(url = 'mysql://root@127.0.0.1:3306/'): string {
  const server = new URL(url);
  server.pathname = '/';
  return server.toString();
}

/** The URL of the database `name` on `server`. */
export function databaseUrlOn(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropMysqlDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = await createConnection(serverUrl(databaseUrl));
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}
