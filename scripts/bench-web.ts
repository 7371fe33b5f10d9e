/**
 * `npm run bench:web -- [--runs 10]`: how long until the municipality's start page shows its
 * content, in a real browser (Debian's Chromium via playwright-core) on a fresh local stack
 * (shares imported, the year started, Tierp signed in), and the initial JavaScript gzipped.
 *
 * "Content on screen": the instant (performance.now(), from navigation start) when the
 * preliminary share is in the DOM and the page has painted it (the next animation frame).
 * The first run has a cold cache; the median and the slowest are over all runs.
 * A benchmark, not a test: it prints numbers and fails only if it cannot run.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureWebBuilt } from '../local/tools/web';
import { startTestStack, PROJECT_ROOT } from '../test/support/local-stack';
import { OPEN_NOW, YEAR, shareRows } from '../test/support/e2e';
import { startBrowser } from '../test/support/browser';
import { INITIAL_JS_BUDGET_BYTES, initialJs, kb } from '../web/build-size';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Math.max(1, Number(values.runs));

await ensureWebBuilt(PROJECT_ROOT, (line) => console.log(line));
const size = initialJs(join(PROJECT_ROOT, 'web/dist'));
const stack = await startTestStack({ now: OPEN_NOW, quiet: true });
const quietLog = console.log;
const browser = await startBrowser().catch(async (error: unknown) => {
  await stack.stop();
  throw error;
});
try {
  // The workflow's JSON log lines are noise here.
  console.log = () => {};
  const admin = await stack.tokenFor({ role: 'admin' });
  await stack.request('PUT', `/v1/years/${YEAR}/shares`, { token: admin, json: { shares: shareRows(['03']) } });
  await stack.request('POST', `/v1/years/${YEAR}/cycle`, { token: admin });
  await stack.streams.idle();
  const token = await stack.tokenFor({ role: 'municipality', municipality: '0360' });
  const page = await browser.page();
  await page.addInitScript(`
    sessionStorage.setItem('omf.token', ${JSON.stringify(token)});
    window.__contentAt = undefined;
    new MutationObserver((_, observer) => {
      if (document.querySelector('.big-number')) {
        observer.disconnect();
        requestAnimationFrame(() => { window.__contentAt = performance.now(); });
      }
    }).observe(document, { childList: true, subtree: true });
  `);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto(`${stack.apiUrl}/`, { waitUntil: 'commit' });
    await page.waitForFunction(() => (globalThis as { __contentAt?: number }).__contentAt !== undefined, undefined, { timeout: 15_000 });
    times.push((await page.evaluate('window.__contentAt')) as number);
  }
  console.log = quietLog;
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const ms = (n: number) => `${Math.round(n)} ms`;
  console.log(`Startsidan (Tierp) i Chromium ${browser.context.browser()?.version() ?? ''}, lokala stacken, ${runs} laddningar:`);
  console.log(`  innehållet på skärmen: första (kall cache) ${ms(times[0]!)}, median ${ms(median)}, långsammast ${ms(sorted.at(-1)!)} (mål: under 1 s)`);
  console.log(`  initial JS: ${kb(size.gzipBytes)} gzippat (budget ${kb(INITIAL_JS_BUDGET_BYTES)}), ${size.files.map((f) => `${f.file} ${kb(f.bytes)} okomprimerat`).join(', ')}`);
} finally {
  console.log = quietLog;
  await browser.close();
  await stack.stop();
}
