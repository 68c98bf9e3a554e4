/**
 * Resolves once the wall clock reads past `ms`: what a test needs before a row whose timestamp
 * must differ from the last one, without guessing how long that takes.
 */
export async function clockPast(ms: number): Promise<void> {
  while (Date.now() <= ms) await new Promise((resolve) => setImmediate(resolve));
}
