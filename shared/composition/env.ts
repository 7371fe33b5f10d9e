/** A variable the function cannot work without: missing, it fails at start, not at the first use. */
export function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

/** An http(s) origin without a trailing slash, or an error naming the variable. */
export function appUrlOf(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`Environment variable APP_BASE_URL is not the web app's address (https://host, no path): ${value}`);
  }
  return url.origin;
}
