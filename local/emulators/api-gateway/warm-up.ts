/**
 * Before the first real request: every GET route once in each API container (read-only by
 * contract: GET functions only get read access to the table), so that modules, SDK clients,
 * connections and schemas are ready instead of making that request slow. Answers do not matter.
 */
import { request } from 'node:http';
import type { LocalRoute } from './router';

/** The header of a warm-up request that names its API container (honoured during the warm-up only). */
export const WARM_UP_HEADER = 'x-local-warm-up-container';

/** Path parameters of the warm-up's requests, by name (others are `x`). */
export type SampleParams = Record<string, string>;

export async function warmUp(port: number, routes: LocalRoute[], token: string, sample: SampleParams, containers: number): Promise<void> {
  const paths = routes
    .filter((r) => r.method === 'GET' && r.path !== '$default')
    .map((r) => r.path.replace(/\{([^{}+]+)\+?\}/g, (_, name: string) => sample[name] ?? 'x'));
  const calls = Array.from({ length: containers }, (_, container) => paths.map((path) => ({ path, container }))).flat();
  await Promise.all(
    calls.map(
      ({ path, container }) =>
        new Promise<void>((resolve) => {
          const headers = { authorization: `Bearer ${token}`, [WARM_UP_HEADER]: String(container) };
          const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
            res.resume();
            res.once('end', () => resolve());
            res.once('error', () => resolve());
          });
          req.setTimeout(10_000, () => req.destroy());
          req.once('error', () => resolve());
          req.end();
        }),
    ),
  );
}
