// Public pages of a province, as a resident's phone shows them: the home page and the page
// where a venue's code is typed by hand.
import { axeAudit, check, demoVenueCode, url } from './lib.mjs';

// conf/provinces.conf: the official name of tenant 01.
const HA_NOI = 'Thành phố Hà Nội';
const BAD_CODE = 'Mã không đúng. Vui lòng kiểm tra lại mã trên áp phích.';

export async function test_province_home_renders_vietnamese({ page }) {
  const r = await page.goto(url('/ha-noi/'));
  check(r.status() === 200, `status ${r.status()}`);
  check(await page.getAttribute('html', 'lang') === 'vi', 'the page is not marked as Vietnamese');
  // Exact code points (precomposed, NFC): a double-encoded or decomposed name differs.
  const h1 = await page.locator('h1').innerText();
  check(h1 === HA_NOI.normalize('NFC'), `h1 reads ${JSON.stringify(h1)}`);
  check((await page.title()).includes(HA_NOI), `title ${JSON.stringify(await page.title())}`);
  check(await page.locator('.brand').innerText() === `vaora · ${HA_NOI}`, 'header brand');
  // Fits a 360 px phone: nothing scrolls sideways.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 360, `page is ${width} px wide at a 360 px viewport`);
  await axeAudit(page);
}

export async function test_home_links_to_the_code_page({ page }) {
  await page.goto(url('/ha-noi/'));
  await Promise.all([page.waitForURL(url('/ha-noi/c')), page.getByRole('link', { name: 'Nhập mã địa điểm' }).click()]);
  check(await page.locator('h1').innerText() === 'Nhập mã địa điểm', 'not the code page');
  await axeAudit(page);
}

export async function test_wrong_code_shows_the_vietnamese_error({ page }) {
  await page.goto(url('/ha-noi/c'));
  await page.getByLabel('Mã địa điểm').fill('ABCDEFGH2345');
  await Promise.all([page.waitForURL(/\/ha-noi\/c\?code=/), page.getByRole('button', { name: 'Tiếp tục' }).click()]);
  const alert = page.getByRole('alert');
  check(await alert.innerText() === BAD_CODE, `alert reads ${JSON.stringify(await alert.innerText())}`);
  check(await page.getByLabel('Mã địa điểm').inputValue() === 'ABCDEFGH2345', 'the typed code was not kept');
  await axeAudit(page);
}

export async function test_code_typed_in_lower_case_opens_the_venue({ browser, page }) {
  const code = await demoVenueCode(browser);
  await page.goto(url('/ha-noi/c'));
  await page.getByLabel('Mã địa điểm').fill(code.toLowerCase());
  await Promise.all([page.waitForURL(/\/ha-noi\/c\/[A-Za-z0-9]+$/), page.getByRole('button', { name: 'Tiếp tục' }).click()]);
  const h1 = await page.locator('h1').innerText();
  check(h1 === 'Chợ Đồng Xuân (demo)', `h1 reads ${JSON.stringify(h1)}`);
  await axeAudit(page);
}
