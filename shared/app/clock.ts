/**
 * "Now" for the workflow's task Lambdas. In AWS CLOCK_OFFSET_MS is unset and this is the real
 * time; the local stack's virtual clock sets it in its own process (process.env), so the tasks
 * it runs see the virtual time. HTTP handlers do not use this: their clock is the request's
 * `requestContext.timeEpoch`, which the local server sets from the same virtual clock.
 */
export function currentTime(): string {
  const offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
  if (!Number.isFinite(offset)) throw new Error(`CLOCK_OFFSET_MS is not a number of milliseconds: ${process.env.CLOCK_OFFSET_MS}`);
  return new Date(Date.now() + offset).toISOString();
}
