// The dashboard on a phone: charts and tables pass the accessibility audit, the charts fit a
// 360 px screen without scrolling the page sideways, and the operator's comparison passes too.
import { axeAudit, check, url, useSession } from './lib.mjs';

export async function test_dashboard_passes_axe_and_fits_a_phone(t) {
  await useSession(t, 'hn.admin');
  const r = await t.page.goto(url('/ha-noi/dashboard'));
  check(r.status() === 200, `status ${r.status()}`);
  check(await t.page.locator('svg.chart').count() === 2, 'two charts');
  check(await t.page.locator('table caption').count() === 7, 'seven captioned tables');
  await axeAudit(t.page);
  await t.page.setViewportSize({ width: 360, height: 740 });
  const wide = await t.page.evaluate(() => [...document.querySelectorAll('svg.chart')]
    .map((s) => s.getBoundingClientRect().right).filter((right) => right > window.innerWidth));
  check(wide.length === 0, `charts wider than the screen: ${wide}`);
}

export async function test_operator_provinces_pass_axe(t) {
  await useSession(t, 'operator', '');
  const r = await t.page.goto(url('/admin/provinces'));
  check(r.status() === 200, `status ${r.status()}`);
  await axeAudit(t.page);
}
