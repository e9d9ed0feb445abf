import { randomBytes } from 'node:crypto';

/** One id per test run: every database a test file creates is named after it. */
export default function globalSetup(): void {
  process.env.TEST_RUN_ID ??= randomBytes(3).toString('hex');
}
