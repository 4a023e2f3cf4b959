// Shared by the browser tests: the stack under test (from the environment), the browser,
// database and command-line helpers, the accessibility audit and the results file.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
// Debian's chromium; VAORA_CHROMIUM names another build (or a missing one, to see the failure).
export const CHROMIUM = process.env.VAORA_CHROMIUM || '/usr/bin/chromium';
// Flags per shared/STACK-NOTES.md: nothing on this machine may reach out to the network.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run',
];
// A phone as most residents have: 360×640 CSS pixels, touch, Vietnamese first.
export const PHONE = {
  viewport: { width: 360, height: 640 },
  isMobile: true,
  hasTouch: true,
  locale: 'vi-VN',
  extraHTTPHeaders: { 'Accept-Language': 'vi-VN,vi;q=0.9' },
};
// Loose bounds: the stack under test is the sanitizer build, and one login costs a PBKDF2
// computation that takes seconds there.
export const ACTION_TIMEOUT_MS = 15000;
export const TEST_TIMEOUT_MS = 90000;
export const DEMO_PASSWORD = 'vaora-demo-2026';

/** The stack under test, from the variables tests/integration/run.py sets. */
export const stack = {
  url: process.env.VAORA_URL || '',
  var: process.env.VAORA_VAR || '',
  bin: process.env.VAORA_BIN || '',
  clockFile: process.env.VAORA_TEST_CLOCK || '',
  results: process.env.VAORA_RESULTS || '',
  /** The stack's throw-away folder (VAORA_VAR's parent), removed with the stack. */
  get dir() { return this.var ? path.dirname(this.var) : os.tmpdir(); },
};

export function missingEnv() {
  return ['VAORA_URL', 'VAORA_VAR', 'VAORA_BIN'].filter((k) => !process.env[k]);
}

export class Failure extends Error {}

/** Throws a Failure with message (a string, or anything JSON can show) unless condition. */
export function check(condition, message) {
  if (!condition) {
    throw new Failure(typeof message === 'string' ? message : JSON.stringify(message));
  }
}

/** An absolute URL on the stack for a path such as "/ha-noi/". */
export function url(p) {
  return stack.url.replace(/\/$/, '') + p;
}

/** Appends one "browser:LABEL 1 0|1" line, the format tests/run.sh sums. */
export function record(label, ok) {
  if (stack.results) fs.appendFileSync(stack.results, `browser:${label} 1 ${ok ? 0 : 1}\n`);
}

/**
 * Starts chromium with a fresh profile in the stack's folder, with extraArgs after the usual
 * flags (a fake camera, say). Returns { browser, close }: contexts come from
 * browser.newContext(); close() stops chromium and removes the profile.
 */
export async function launch(extraArgs = []) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Failure(`${CHROMIUM} not found: install Debian's chromium (deploy/deps.sh does)`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Failure(`playwright-core not installed in tests/browser (make browser-deps): ${e.message}`);
  }
  const profile = fs.mkdtempSync(path.join(stack.dir, 'chromium-profile.'));
  // Playwright refuses --user-data-dir in args; a persistent context is how it takes one. Its
  // browser still makes fresh, isolated contexts for the tests.
  let persistent;
  try {
    persistent = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 60000,
    });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const browser = persistent.browser();
  return {
    browser,
    version: browser.version(),
    async close() {
      await persistent.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh phone-sized context (no cookies) on browser; options override PHONE's. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ ...PHONE, ...options });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  return context;
}

/** Rows of a query as arrays of strings (mariadb -N -B, tab-separated). */
export function sql(query) {
  const out = execFileSync('mariadb', [`--defaults-file=${stack.var}/my.cnf`, '-u', 'root', '-N', '-B', '-e', query],
    { encoding: 'utf8', timeout: 30000 });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** One value: the first column of the first row, or null. */
export function sqlValue(query) {
  const rows = sql(query);
  return rows.length ? rows[0][0] : null;
}

/** Runs the vaora command line on the stack's config: { status, stdout, stderr }. */
export function vaora(...args) {
  const r = spawnSync(stack.bin, ['-c', `${stack.var}/vaora.conf`, ...args], { encoding: 'utf8', timeout: 120000 });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/** Moves the test build's clock (every worker) to epoch seconds; clearClock() returns it. */
export function setClock(seconds) {
  check(stack.clockFile, 'VAORA_TEST_CLOCK is not set');
  fs.writeFileSync(stack.clockFile, `${Math.floor(seconds)}\n`);
}

export function clearClock() {
  if (stack.clockFile) fs.rmSync(stack.clockFile, { force: true });
}

// Logged-in states, one login per account per run (each login is a PBKDF2 computation).
const sessions = new Map();

/**
 * Logs in through the page as a person would, once per login and run; later calls give the
 * saved cookies. Returns the storage state for browser.newContext({ storageState }).
 */
export async function sessionFor(browser, login, province = 'ha-noi', password = DEMO_PASSWORD) {
  const key = `${province}/${login}`;
  if (!sessions.has(key)) {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await logIn(page, login, province, password);
      sessions.set(key, await context.storageState());
    } finally {
      await context.close();
    }
  }
  return sessions.get(key);
}

/** Gives the test's context the session of login (see sessionFor), so its page is logged in. */
export async function useSession({ browser, context }, login, province = 'ha-noi') {
  await context.addCookies((await sessionFor(browser, login, province)).cookies);
}

/**
 * Fills the province's login form and waits for the desk; province '' is the operator's
 * login (/login, landing on /admin).
 */
export async function logIn(page, login, province = 'ha-noi', password = DEMO_PASSWORD) {
  await page.goto(url(province ? `/${province}/login` : '/login'));
  await page.getByLabel('Tên đăng nhập').fill(login);
  await page.getByLabel('Mật khẩu').fill(password);
  await Promise.all([
    page.waitForURL(url(province ? `/${province}/desk` : '/admin')),
    page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
  ]);
}

export const DEMO_VENUE = 'Chợ Đồng Xuân (demo)';
let demoCode = null;

/** The demo venue's short code (the poster's token), as its manager's venue page shows it. */
export async function demoVenueCode(browser) {
  if (demoCode) return demoCode;
  const id = sqlValue(`SELECT id FROM vaora_s1.venues WHERE province = '01' AND name = '${DEMO_VENUE}'`);
  check(id, `no venue named ${DEMO_VENUE} in vaora_s1`);
  const context = await newContext(browser, { storageState: await sessionFor(browser, 'hn.manager') });
  try {
    const page = await context.newPage();
    await page.goto(url(`/ha-noi/venues/${id}`));
    demoCode = (await page.locator('#short-code').innerText()).trim().replaceAll('-', '');
  } finally {
    await context.close();
  }
  check(/^[A-Z2-7]{9,13}$/.test(demoCode), `short code ${JSON.stringify(demoCode)}`);
  return demoCode;
}

const AXE_SOURCE = path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js');
// Impacts that fail a test; "minor" and "moderate" ones are printed only.
const AXE_FAILING = new Set(['serious', 'critical']);

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation,
 * naming each rule, its impact and the first elements. axe is evaluated through the DevTools
 * protocol, which the pages' CSP (no inline script) does not govern, so no bypassCSP is
 * needed. Returns axe's violations (all impacts).
 */
export async function axeAudit(page) {
  const already = await page.evaluate(() => typeof window.axe === 'object');
  if (!already) await page.evaluate(fs.readFileSync(AXE_SOURCE, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const failing = result.violations.filter((v) => AXE_FAILING.has(v.impact));
  const lines = failing.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  check(failing.length === 0, `axe on ${page.url()}: ${lines.join('; ')}`);
  return result.violations;
}
