// Residents on their phones: two people on one phone, a browser that keeps nothing between
// visits, and the form without JavaScript — each checked against what was stored.
import { axeAudit, check, newContext, sqlValue, url, vaora } from './lib.mjs';
import { confirmed, fillFirstForm, newPhone, ownVenue, personShown, rowsAt } from './resident.mjs';

export async function test_two_people_on_one_phone(t) {
  const { page } = t;
  const venue = await ownVenue(t.browser, 'Nhà văn hoá tổ 7');
  const grandmother = { name: 'Lê Thị Xuân', phone: newPhone(), birthYear: '1941' };
  const grandson = { name: 'Lê Quang Huy', phone: newPhone(), birthYear: '2001', gender: 'Nam' };
  await page.goto(url(venue.path));
  await fillFirstForm(page, grandmother);
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await confirmed(page, venue, 'in', 'Xuân');
  await page.getByRole('link', { name: 'Khai báo tiếp' }).click();
  await page.getByRole('link', { name: 'Khai báo cho người khác' }).click();
  await fillFirstForm(page, grandson);
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await confirmed(page, venue, 'in', 'Huy');

  // The next scan: both offered, the last one first; pick the grandmother and check her out.
  await page.goto(url(venue.path));
  const names = await page.locator('.known-name strong').allInnerTexts();
  check(JSON.stringify(names) === JSON.stringify(['Lê Quang Huy', 'Lê Thị Xuân']), `offered ${names}`);
  await axeAudit(page);
  const hers = page.locator('form.one-tap', { hasText: 'Lê Thị Xuân' });
  await hers.getByRole('button', { name: 'Ra', exact: true }).click();
  await confirmed(page, venue, 'out', 'Xuân');
  const her = sqlValue(`SELECT MAX(person_id) FROM vaora_s1.checkins WHERE venue_id = ${venue.id} AND direction = 'out'`);
  check(rowsAt(venue, `person_id = ${her}`) === 2 && rowsAt(venue) === 3, `rows ${rowsAt(venue)}`);
  check(personShown(vaora, grandmother.phone).includes('name: Lê Thị Xuân\n'), 'grandmother stored');
  check(personShown(vaora, grandson.phone).includes('name: Lê Quang Huy\n'), 'grandson stored');
}

export async function test_a_browser_that_keeps_nothing_gets_the_full_form(t) {
  const { page, context } = t;
  const venue = await ownVenue(t.browser, 'Quầy thuốc Hàng Bồ');
  const person = { name: 'Đặng Văn Khoa', phone: newPhone() };
  await page.goto(url(venue.path));
  await fillFirstForm(page, person);
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await confirmed(page, venue, 'in', 'Khoa');
  // In-app browsers often wipe cookies and storage between visits.
  await context.clearCookies();
  await page.evaluate(() => window.localStorage.clear());
  await page.goto(url(venue.path));
  check(await page.locator('.known-name').count() === 0, 'a wiped browser still remembered someone');
  await fillFirstForm(page, person);
  await page.getByRole('button', { name: 'Ra', exact: true }).click();
  await confirmed(page, venue, 'out', 'Khoa');
  check(rowsAt(venue) === 2, `rows ${rowsAt(venue)}`);
  // Typed again, the same person is a new person record: nothing links them without a token.
  check(Number(sqlValue(`SELECT COUNT(DISTINCT person_id) FROM vaora_s1.checkins WHERE venue_id = ${venue.id}`)) === 2,
    'people');
}

export async function test_the_form_works_without_javascript(t) {
  const venue = await ownVenue(t.browser, 'Chùa Quán Sứ');
  const context = await newContext(t.browser, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(url(venue.path));
    // A wrong phone number: the page comes back with the message beside it, values kept.
    await fillFirstForm(page, { name: 'Ngô Thị Ánh', phone: '12345' });
    await page.getByRole('button', { name: 'Vào', exact: true }).click();
    await page.locator('#err-phone').waitFor();
    check((await page.locator('#err-phone').innerText()).startsWith('Số điện thoại không hợp lệ'), 'phone message');
    check(await page.getByLabel('Họ và tên').inputValue() === 'Ngô Thị Ánh', 'the name was not kept');
    check(rowsAt(venue) === 0, 'a refused form wrote a row');
    const phone = newPhone();
    await page.getByLabel('Số điện thoại').fill(phone);
    await page.getByLabel('Tôi đồng ý cung cấp thông tin').check();
    await page.getByRole('button', { name: 'Vào', exact: true }).click();
    await confirmed(page, venue, 'in', 'Ánh');
    check(rowsAt(venue, "method = 'self'") === 1, 'row');
    check(personShown(vaora, phone).includes('name: Ngô Thị Ánh\n'), 'person');
  } finally {
    await context.close();
  }
}
