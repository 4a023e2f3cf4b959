// The browser suite: every exported `test_*` function of tests/browser/*.test.mjs, each in a
// fresh phone-sized context of one chromium, against the stack named by VAORA_URL etc.
//
//   node tests/browser/run.mjs [SUBSTRING]   only the tests whose label contains SUBSTRING
//
// Each test gets { browser, context, page, stack }. A test passes unless it throws; then its
// pages are screenshot into the stack's folder. Exit status: 0 all passed, 1 some failed,
// 2 the suite could not run (recorded as the failed test browser:setup).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Failure, HERE, TEST_TIMEOUT_MS, launch, missingEnv, newContext, record, stack } from './lib.mjs';

// Console errors and page errors kept per test and shown when it fails (CSP refusals show here).
const CONSOLE_LINES_SHOWN = 5;

async function collectTests(filter) {
  const files = fs.readdirSync(HERE).filter((f) => f.endsWith('.test.mjs')).sort();
  const tests = [];
  for (const file of files) {
    const area = file.replace(/\.test\.mjs$/, '');
    let mod;
    try {
      mod = await import(pathToFileURL(path.join(HERE, file)).href);
    } catch (e) {
      // One broken file is one failure; the other files' tests still run.
      const where = (e && e.stack || '').split('\n').find((l) => l.includes(file)) || '';
      tests.push({ label: `${area}.load`, fn: () => { throw new Failure(`${file} did not load: ${e} ${where.trim()}`); } });
      continue;
    }
    for (const [name, fn] of Object.entries(mod)) {
      if (!name.startsWith('test_') || typeof fn !== 'function') continue;
      const label = `${area}.${name}`;
      if (!filter || label.includes(filter)) tests.push({ label, fn });
    }
  }
  return tests;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failure(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function screenshots(context, label) {
  const dir = path.join(stack.dir, 'browser-failures');
  fs.mkdirSync(dir, { recursive: true });
  const saved = [];
  for (const [i, page] of context.pages().entries()) {
    if (page.url() === 'about:blank') continue;
    const file = path.join(dir, `${label}${i ? `-${i}` : ''}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true, timeout: 10000 });
      saved.push(file);
    } catch { /* a closed or crashed page has nothing to show */ }
  }
  return saved;
}

async function runOne(browser, { label, fn }) {
  const context = await newContext(browser);
  const noise = [];
  context.on('page', (p) => {
    p.on('pageerror', (e) => noise.push(`pageerror: ${e.message}`));
    p.on('console', (m) => { if (m.type() === 'error') noise.push(`console: ${m.text()}`); });
  });
  const started = Date.now();
  try {
    const page = await context.newPage();
    await withTimeout(fn({ browser, context, page, stack }), TEST_TIMEOUT_MS, label);
    console.log(`  pass ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  } catch (e) {
    const reason = e instanceof Failure ? e.message : (e && e.stack) || String(e);
    console.log(`  FAIL ${label}: ${reason}`);
    for (const line of noise.slice(-CONSOLE_LINES_SHOWN)) console.log(`    ${line}`);
    for (const file of await screenshots(context, label)) console.log(`    screenshot: ${file}`);
    return false;
  } finally {
    await context.close().catch(() => {});
  }
}

async function main() {
  const missing = missingEnv();
  if (missing.length) {
    console.log(`  FAIL setup: ${missing.join(', ')} not set (run through tests/integration/run.py)`);
    record('setup', false);
    return 2;
  }
  const tests = await collectTests(process.argv[2]);
  let chromium;
  try {
    chromium = await launch();
  } catch (e) {
    console.log(`  FAIL setup: chromium did not start: ${e.message}`);
    record('setup', false);
    return 2;
  }
  console.log(`  chromium ${chromium.version}, ${tests.length} tests`);
  const started = Date.now();
  let failed = 0;
  try {
    for (const t of tests) {
      const ok = await runOne(chromium.browser, t);
      record(t.label, ok);
      failed += !ok;
    }
  } finally {
    await chromium.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`  browser tests: ${tests.length - failed} passed, ${failed} failed in ${seconds} s`);
  return failed ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.log(`  FAIL setup: ${(e && e.stack) || e}`);
  record('setup', false);
  process.exitCode = 2;
});
