import { z } from 'zod';

/**
 * `/config.json`, served next to index.html: how to sign in and, on the local stack, where
 * the virtual clock is read (`clock`). On AWS the CDK app writes it; locally `npm start` serves
 * `{"auth": {"kind": "local"}, "clock": "/_local/clock"}`.
 */
export const AppConfig = z.object({
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('local') }),
    z.object({
      kind: z.literal('cognito'),
      authority: z.string().url(),
      clientId: z.string().min(1),
      domain: z.string().url(),
      redirectUri: z.string().url(),
      logoutUri: z.string().url(),
    }),
  ]),
  clock: z.string().startsWith('/').optional(),
});
export type AppConfig = z.infer<typeof AppConfig>;
export type CognitoConfig = Extract<AppConfig['auth'], { kind: 'cognito' }>;

let loaded: Promise<AppConfig> | undefined;

export function loadConfig(): Promise<AppConfig> {
  loaded ??= fetch('/config.json', { cache: 'no-store' })
    .then((res) => {
      if (!res.ok) throw new Error(`config.json: ${res.status}`);
      return res.json();
    })
    .then((json) => AppConfig.parse(json));
  return loaded;
}
