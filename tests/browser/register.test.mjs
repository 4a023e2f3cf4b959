// A venue owner registering a shop on a phone: a refused form, a landline, and what the
// login page says afterwards.
import { axeAudit, check, url } from './lib.mjs';

const REGISTERED = 'Đã đăng ký địa điểm. Đăng nhập bằng tài khoản quản lý vừa tạo để in áp phích mã QR.';
const REFUSED = 'Chưa đăng ký được';

async function fillRegistration(page, { name, login, phone, password = 'mat-khau-rat-dai' }) {
  await page.goto(url('/ha-noi/register'));
  await page.locator('#name').fill(name);
  await page.locator('#category').selectOption('shop');
  await page.locator('#address').fill('Số 3 phố Hàng Bạc');
  await page.locator('#area_code').selectOption('00070');
  await page.locator('#contact_phone').fill(phone);
  await page.locator('#display_name').fill('Trần Văn Bình');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.locator('#repeat').fill(password);
  await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
}

export async function test_a_refused_registration_says_so_and_keeps_what_was_typed_except_passwords({ page }) {
  await fillRegistration(page, { name: 'Phở Bình Hàng Bạc', login: 'binh.refused', phone: '12345' });
  const summary = page.locator('#register-refused');
  await summary.waitFor();
  check((await summary.innerText()).startsWith(REFUSED), `summary reads ${JSON.stringify(await summary.innerText())}`);
  check((await summary.getAttribute('role')) === 'alert', 'the summary is not announced');
  check(await page.locator('#name').inputValue() === 'Phở Bình Hàng Bạc', 'the name was not kept');
  check(await page.locator('#contact_phone').inputValue() === '12345', 'the phone was not kept');
  check(await page.locator('#login').inputValue() === 'binh.refused', 'the login was not kept');
  check(await page.locator('#area_code').inputValue() === '00070', 'the commune was not kept');
  check(await page.locator('#password').inputValue() === '' && await page.locator('#repeat').inputValue() === '',
        'a password came back');
  await axeAudit(page);
}

export async function test_a_landline_registers_and_the_login_page_says_the_venue_is_registered({ page }) {
  await fillRegistration(page, { name: 'Cà phê Bình Hàng Bạc', login: 'binh.landline', phone: '024 3821 2709' });
  await page.waitForURL((u) => u.pathname === '/ha-noi/login');
  const notice = page.locator('#registered');
  check(await notice.isVisible() && (await notice.innerText()) === REGISTERED,
        `no registration notice: ${JSON.stringify(await page.locator('main').innerText())}`);
  await axeAudit(page);
  await page.getByLabel('Tên đăng nhập').fill('binh.landline');
  await page.getByLabel('Mật khẩu').fill('mat-khau-rat-dai');
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.waitForURL((u) => /^\/ha-noi\/venues\/\d+$/.test(u.pathname));
  const stored = await page.locator('#contact_phone').inputValue();
  check(stored === '02438212709', `the venue page shows the phone as ${JSON.stringify(stored)}`);
}
