// The venue pages as an admin sees them on a phone: the categories a province's venues need,
// and the deactivate button kept apart from "Lưu" behind a confirmation.
import { check, sqlValue, url, useSession } from './lib.mjs';

/** Adds a café named name through the admin's form; returns its id (from the page it lands on). */
async function addCafe(page, name) {
  await page.goto(url('/ha-noi/venues/new'));
  await page.getByLabel('Loại hình').selectOption({ label: 'Quán cà phê, giải khát' });
  await page.getByLabel('Tên địa điểm').fill(name);
  await page.getByLabel('Địa chỉ').fill('39 Nguyễn Hữu Huân');
  await page.locator('#area_code').selectOption({ index: 1 });
  await page.getByLabel('Số điện thoại liên hệ').fill('0912 345 222');
  await Promise.all([page.waitForURL(/\/ha-noi\/venues\/\d+/),
    page.getByRole('button', { name: 'Thêm địa điểm', exact: true }).click()]);
  return page.url().match(/\/venues\/(\d+)/)[1];
}

export async function test_an_admin_registers_a_cafe_under_its_own_category(t) {
  await useSession(t, 'hn.admin');
  const { page } = t;
  await addCafe(page, 'Cà phê Giảng (browser)');
  check(await page.locator('#category').inputValue() === 'cafe', 'the venue is not a café');
  check((await page.locator('p.lead').innerText()).includes('Quán cà phê, giải khát'), 'label not shown');
}

export async function test_deactivate_is_apart_from_save_and_asks_to_confirm(t) {
  await useSession(t, 'hn.admin');
  const { page } = t;
  const id = await addCafe(page, 'Quầy ngừng (browser)');
  await page.goto(url(`/ha-noi/venues/${id}`));
  const save = await page.getByRole('button', { name: 'Lưu', exact: true }).boundingBox();
  const stop = page.getByRole('button', { name: 'Ngừng hoạt động', exact: true });
  const gap = (await stop.boundingBox()).y - (save.y + save.height);
  check(gap > 200, `the deactivate button is ${gap} px under Lưu`);
  check(await page.getByRole('region', { name: 'Ngừng hoạt động địa điểm' }).count() === 1, 'no section of its own');
  // Unticked: the page itself holds the form back.
  await stop.click();
  check(page.url().endsWith(`/ha-noi/venues/${id}`) && await page.locator('#short-code').count() === 1, 'sent unticked');
  check(!(await page.getByLabel(/Tôi hiểu/).evaluate((box) => box.validity.valid)), 'the box is not required');
  // Unticked with the check gone (an old page, no form validation): the server refuses and says why.
  await page.getByLabel(/Tôi hiểu/).evaluate((box) => { box.required = false; });
  await Promise.all([page.waitForLoadState('load'), page.waitForResponse((r) => r.url().endsWith('/deactivate')), stop.click()]);
  check((await page.getByRole('alert').allInnerTexts()).join(' ').includes('hãy đánh dấu ô xác nhận'), 'no message');
  check(sqlValue(`SELECT status FROM vaora_s1.venues WHERE id = ${id}`) === 'active', 'deactivated unticked');
  await page.getByLabel(/Tôi hiểu/).check();
  await Promise.all([page.waitForURL(/saved=1/), stop.click()]);
  check(sqlValue(`SELECT status FROM vaora_s1.venues WHERE id = ${id}`) !== 'active', 'not deactivated');
}
