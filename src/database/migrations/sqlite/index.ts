import { CreateSchema1764050000000 } from './1764050000000-create-schema';

/** The SQLite twins of the MySQL migrations (../), in the same order and under the same names. */
export const SQLITE_MIGRATIONS = [CreateSchema1764050000000];
