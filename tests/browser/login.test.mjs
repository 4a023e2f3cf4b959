// Staff logging in on a phone: the province's login page and the desk it leads to.
import { axeAudit, check, logIn, url, useSession } from './lib.mjs';

const REFUSED = 'Tên đăng nhập hoặc mật khẩu không đúng.';

export async function test_volunteer_logs_in_and_reaches_the_desk({ page }) {
  await page.goto(url('/ha-noi/login'));
  check(await page.locator('h1').innerText() === 'Đăng nhập', 'not the login page');
  await axeAudit(page);
  await logIn(page, 'hn.volunteer');
  check(await page.locator('h1').innerText() === 'Bàn làm việc', 'not the desk');
  check(await page.getByRole('button', { name: 'Đăng xuất', exact: true }).isVisible(), 'no logout button');
  await axeAudit(page);
}

export async function test_unknown_login_is_refused_in_vietnamese({ page }) {
  await page.goto(url('/ha-noi/login'));
  await page.getByLabel('Tên đăng nhập').fill('khong.co.ai');
  await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  check((await alert.innerText()).startsWith(REFUSED), `alert reads ${JSON.stringify(await alert.innerText())}`);
  check(page.url().startsWith(url('/ha-noi/login')), `left the login page for ${page.url()}`);
  check(await page.getByLabel('Tên đăng nhập').inputValue() === 'khong.co.ai', 'the login was not kept');
  await axeAudit(page);
}

export async function test_a_saved_session_opens_the_desk(t) {
  // The cookies of a login made once in another context: what useSession gives other tests.
  await useSession(t, 'hn.volunteer');
  await t.page.goto(url('/ha-noi/desk'));
  check(t.page.url() === url('/ha-noi/desk'), `sent to ${t.page.url()}`);
  check(await t.page.locator('h1').innerText() === 'Bàn làm việc', 'not the desk');
}
