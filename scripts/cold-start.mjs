// @ts-check
/**
 * One cold start, run by `npm run bench:cold` in a fresh Node process (plain JavaScript, so
 * no TypeScript loader sits in the measured process):
 *
 *   node scripts/cold-start.mjs <bundle.mjs> <event JSON>
 *
 * imports the bundle, calls its handler once with the event and prints one line
 * `COLD {"ms": …, "outcome": "…"}`: the time of import and first call, and what the call
 * returned (its statusCode, or "ok") or threw (the error's name and message).
 */
import { pathToFileURL } from 'node:url';

const [file, eventJson] = process.argv.slice(2);
const url = pathToFileURL(file).href;
const event = JSON.parse(eventJson);
const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 10_000 };

const start = performance.now();
const { handler } = await import(url);
let outcome;
try {
  const result = await handler(event, context);
  outcome = String(result?.statusCode ?? 'ok');
} catch (error) {
  outcome = error instanceof Error ? `${error.name}: ${error.message.slice(0, 80)}` : String(error);
}
const ms = performance.now() - start;
process.stdout.write(`\nCOLD ${JSON.stringify({ ms, outcome })}\n`);
