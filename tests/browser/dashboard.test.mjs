// The dashboard on a phone and on a desktop: charts and tables pass the accessibility audit at
// 360 px and at 1280 px, the figures are one row of tiles on a desktop and the charts large,
// every bar says its value on hover (its SVG <title>), long tables show their first rows until
// "show all" is opened (without JavaScript), nothing scrolls sideways on a phone; and the
// operator's comparison passes too.
import { axeAudit, check, newContext, sessionFor, url, useSession } from './lib.mjs';

const DESKTOP = { width: 1280, height: 900 };
const NARROW = { width: 360, height: 740 };

// Where the dashboard's parts are: the tiles' tops, the charts' widths, the visible rows of the
// days table (30 rows, so collapsed) and whether the page scrolls sideways.
async function measure(page) {
  return page.evaluate(() => {
    const rect = (e) => e.getBoundingClientRect();
    const days = document.querySelector('#days');
    return {
      tileTops: [...document.querySelectorAll('.tiles .tile')].map((t) => Math.round(rect(t).top)),
      chartWidths: [...document.querySelectorAll('figure.chart svg')].map((s) => Math.round(rect(s).width)),
      barsWithoutTitle: [...document.querySelectorAll('svg.chart .bar')].filter((b) => !b.querySelector('title')).length,
      bars: document.querySelectorAll('svg.chart .bar').length,
      axisLabels: document.querySelectorAll('svg.chart .axis-label').length,
      daysRowsShown: [...days.querySelectorAll('tbody tr')].filter((r) => rect(r).height > 0).length,
      daysRows: days.querySelectorAll('tbody tr').length,
      sideways: document.documentElement.scrollWidth > window.innerWidth,
      main: Math.round(rect(document.querySelector('main')).width),
    };
  });
}

export async function test_dashboard_is_a_desktop_layout_at_1280_px(t) {
  await useSession(t, 'hn.admin');
  await t.page.setViewportSize(DESKTOP);
  const r = await t.page.goto(url('/ha-noi/dashboard'));
  check(r.status() === 200, `status ${r.status()}`);
  check(await t.page.locator('table caption').count() === 7, 'seven captioned tables');
  const m = await measure(t.page);
  check(m.tileTops.length === 7 && new Set(m.tileTops).size === 1, `tiles in one row: ${m.tileTops}`);
  check(m.main > 1100, `the page uses the screen: main ${m.main} px`);
  // Days, people, hours and communes two by two, each about half the page.
  check(m.chartWidths.length === 4, `four charts: ${m.chartWidths}`);
  check(m.chartWidths.every((w) => w >= 520 && w <= 640), `chart widths ${m.chartWidths}`);
  check(m.bars >= 30 + 30 + 24 && m.barsWithoutTitle === 0, `${m.barsWithoutTitle} of ${m.bars} bars without <title>`);
  check(m.axisLabels >= 7, `axis labels: ${m.axisLabels}`);
  check(m.daysRows === 30 && m.daysRowsShown === 10, `days table shows ${m.daysRowsShown} of ${m.daysRows} rows`);
  const hover = await t.page.locator('svg.chart .bar title').first().textContent();
  check(/^\d\d-\d\d: \d+$/.test(hover), `a bar's hover text: ${hover}`);
  await axeAudit(t.page);
  // "Show all" opens the whole table, no JavaScript involved (a <details> and CSS).
  await t.page.locator('#days details.show-all summary').click();
  const opened = await measure(t.page);
  check(opened.daysRowsShown === 30, `opened: ${opened.daysRowsShown} rows`);
  await axeAudit(t.page);
}

export async function test_dashboard_fits_a_phone_at_360_px_without_javascript(t) {
  const context = await newContext(t.browser, { javaScriptEnabled: false, viewport: NARROW,
    storageState: await sessionFor(t.browser, 'hn.admin') });
  try {
    const page = await context.newPage();
    const r = await page.goto(url('/ha-noi/dashboard'));
    check(r.status() === 200, `status ${r.status()}`);
    const m = await measure(page);
    check(!m.sideways, 'the page scrolls sideways');
    check(m.chartWidths.length === 4 && m.chartWidths.every((w) => w <= 360), `chart widths ${m.chartWidths}`);
    check(new Set(m.tileTops).size === 4, `two tiles a row: ${m.tileTops}`);
    check(m.daysRowsShown === 10, `days table shows ${m.daysRowsShown} rows`);
    await page.locator('#days details.show-all summary').click();
    check((await measure(page)).daysRowsShown === 30, 'show all without JavaScript');
  } finally {
    await context.close();
  }
  // axe needs JavaScript in the page: the same page at 360 px in the usual context.
  await useSession(t, 'hn.admin');
  await t.page.setViewportSize(NARROW);
  await t.page.goto(url('/ha-noi/dashboard'));
  await axeAudit(t.page);
}

export async function test_operator_provinces_pass_axe(t) {
  await useSession(t, 'operator', '');
  const r = await t.page.goto(url('/admin/provinces'));
  check(r.status() === 200, `status ${r.status()}`);
  await axeAudit(t.page);
}
