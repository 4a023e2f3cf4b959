// The venue pages as an admin sees them on a phone: the categories a province's venues need,
// and the deactivate button kept apart from "Lưu" behind a confirmation.
import { check, url, useSession } from './lib.mjs';

export async function test_an_admin_registers_a_cafe_under_its_own_category(t) {
  await useSession(t, 'hn.admin');
  const { page } = t;
  await page.goto(url('/ha-noi/venues/new'));
  await page.getByLabel('Loại hình').selectOption({ label: 'Quán cà phê, giải khát' });
  await page.getByLabel('Tên địa điểm').fill('Cà phê Giảng (browser)');
  await page.getByLabel('Địa chỉ').fill('39 Nguyễn Hữu Huân');
  await page.locator('#area_code').selectOption({ index: 1 });
  await page.getByLabel('Số điện thoại liên hệ').fill('0912 345 222');
  await Promise.all([page.waitForURL(/\/ha-noi\/venues\/\d+/), page.getByRole('button', { name: 'Thêm địa điểm', exact: true }).click()]);
  check(await page.locator('#category').inputValue() === 'cafe', 'the venue is not a café');
  check((await page.locator('p.lead').innerText()).includes('Quán cà phê, giải khát'), 'label not shown');
}
