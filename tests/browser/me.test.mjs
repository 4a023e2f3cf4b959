// "My data" on the phone that remembers the person: what vaora holds, a correction, and the
// deletion after its confirmation — each checked against what was stored.
import { axeAudit, check, sqlValue, url, vaora } from './lib.mjs';
import { confirmed, fillFirstForm, newPhone, ownVenue, personShown, rowsAt } from './resident.mjs';

export async function test_my_data_view_correction_and_deletion(t) {
  const { page } = t;
  const venue = await ownVenue(t.browser, 'Nhà sách Tràng Tiền');
  const phone = newPhone();
  await page.goto(url(venue.path));
  await fillFirstForm(page, { name: 'Hồ Thị Phượng', phone, birthYear: '1966' });
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await confirmed(page, venue, 'in', 'Phượng');
  await axeAudit(page);
  const person = sqlValue(`SELECT person_id FROM vaora_s1.checkins WHERE venue_id = ${venue.id}`);

  await page.getByRole('link', { name: 'Dữ liệu của tôi' }).click();
  await page.locator('section.person').waitFor();
  await axeAudit(page);
  check(await page.getByRole('heading', { name: 'Hồ Thị Phượng' }).count() === 1, 'name');
  check(await page.locator('#phone-0').inputValue() === phone, 'phone shown');
  check((await page.locator('table.visits').innerText()).includes('Nhà sách Tràng Tiền'), 'the visit is listed');
  check(await page.locator('img.personal-qr').evaluate((img) => img.complete && img.naturalWidth > 0), 'QR image');

  // A correction: a new phone number, and a mistake first.
  await page.locator('#birth_year-0').fill('1850');
  await page.locator('form.me-update').getByRole('button', { name: 'Lưu' }).click();
  await page.getByText('Năm sinh không hợp lệ.').waitFor();
  check(personShown(vaora, phone).includes('birth year: 1966'), 'a refused correction was stored');
  const corrected = newPhone();
  await page.locator('#birth_year-0').fill('1967');
  await page.locator('#phone-0').fill(corrected);
  await page.locator('form.me-update').getByRole('button', { name: 'Lưu' }).click();
  await page.getByText('Đã lưu.').waitFor();
  const shown = personShown(vaora, corrected);
  check(shown && shown.includes('name: Hồ Thị Phượng\n') && shown.includes('birth year: 1967'), `corrected: ${shown}`);
  check(personShown(vaora, phone) === null, 'the old number still finds the person');

  // Deletion: refused without the box ticked, then for good.
  await page.locator('form.me-delete').getByRole('button', { name: 'Xóa dữ liệu' }).click();
  await page.getByText('Vui lòng đánh dấu ô xác nhận trước khi xóa.').waitFor();
  check(rowsAt(venue) === 1, 'deleted without confirmation');
  await page.getByLabel('Tôi hiểu và muốn xóa vĩnh viễn dữ liệu của mình.').check();
  await page.locator('form.me-delete').getByRole('button', { name: 'Xóa dữ liệu' }).click();
  await page.getByText('Đã xóa dữ liệu của bạn').waitFor();
  check(rowsAt(venue) === 0, 'check-ins survived');
  check(sqlValue(`SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01' AND id = ${person}`) === '0', 'person survived');
  check(personShown(vaora, corrected) === null, 'still found');
  check(await page.locator('section.person').count() === 0, 'the phone still shows the person');
}
