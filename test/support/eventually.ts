/**
 * Polls `condition` until it holds; if it does not within `withinMs` of real time, fails with
 * `what` and what the test saw instead (`seen()`), so a broken line reads as its own failure and
 * not as Jest's timeout. The bound is a deadline for giving up, never a claim about speed: keep it
 * generous, and well inside the test's own timeout.
 */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  seen: () => string | Promise<string> = () => 'the condition still false',
  withinMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${withinMs / 1000} s; saw ${await seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
