/**
 * A real browser for the browser tests and the web benchmark: Debian's Chromium
 * (/usr/bin/chromium, or $CHROMIUM) driven by playwright-core, headless, with a fresh
 * user-data directory that is removed on close. Nothing is downloaded.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const HOW_TO_GET_CHROMIUM = `Chromium saknas (${CHROMIUM}). Installera Debians paket: sudo apt-get install -y chromium (eller ange sökvägen i CHROMIUM).`;

export interface TestBrowser {
  context: BrowserContext;
  /** A new page (tab) of its own, with its own sessionStorage. */
  page(): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(HOW_TO_GET_CHROMIUM);
  const userDataDir = mkdtempSync(join(tmpdir(), 'omfordelning-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    async page() {
      const page = await context.newPage();
      // Generous: CI runs every test file at once on two cores; a wait only ends early on success.
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (error) => console.error(`browser: ${error.message}`));
      page.on('console', (message) => {
        // The API's refusals (4xx) are expected in the tests; everything else is shown.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) console.error(`browser console: ${message.text()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** axe-core on the page as it is now: the violations of impact serious or critical, as readable lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * axe on pages as a test passes through them: `check` asserts no serious or critical
 * violation on the page as it stands, and `states` lists every state checked, so a test
 * can say it covered them all.
 */
export function accessibilityChecks(): { states: string[]; check(page: Page, state: string): Promise<void> } {
  const states: string[] = [];
  return {
    states,
    async check(page, state) {
      const violations = await seriousViolations(page);
      states.push(state);
      expect(violations, `axe on "${state}"`).toEqual([]);
    },
  };
}

/**
 * Keyboard use: after a navigation the app moves focus to the new page's h1 a moment after
 * the page shows, so a test that tabs before then has its focus pulled back. `arrive` waits
 * for the heading and for that focus; `tabTo` then presses Tab until `predicate` (evaluated
 * in the page) holds.
 */
export async function arrive(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await expect.poll(() => page.evaluate('document.activeElement?.tagName')).toBe('H1');
}

export async function tabTo(page: Page, predicate: string, maxTabs = 60): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return;
  }
  throw new Error(`Tab never reached ${predicate}`);
}
