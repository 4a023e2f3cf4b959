// What the resident tests share: a venue of their own, the first-time form filled as a person
// fills it, the confirmation read as a guard reads it, and what was stored.
import { check, newContext, sessionFor, sql, sqlValue, url } from './lib.mjs';

/** A new phone number for each person of a run, so rows and people are the test's own. */
export function newPhone() {
  return `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/**
 * A venue of the test's own (rows counted there are the test's alone), with its poster code
 * as the manager's venue page shows it. Returns { id, code, name, path }.
 */
export async function ownVenue(browser, name) {
  sql(`INSERT INTO vaora_s1.venues (province, name, address, area_code, category, created_at, token_issued_at)
       VALUES ('01', '${name}', 'Phố Hàng Bạc', '00070', 'market', '2026-01-01', '2026-01-01')`);
  const id = sqlValue(`SELECT MAX(id) FROM vaora_s1.venues WHERE province = '01' AND name = '${name}'`);
  const context = await newContext(browser, { storageState: await sessionFor(browser, 'hn.admin') });
  try {
    const page = await context.newPage();
    await page.goto(url(`/ha-noi/venues/${id}`));
    const code = (await page.locator('#short-code').innerText()).trim().replaceAll('-', '');
    return { id, code, name, path: `/ha-noi/c/${code}` };
  } finally {
    await context.close();
  }
}

/** The labelled radio button in the fieldset whose legend is legend. */
export function choice(page, legend, label) {
  return page.getByRole('group', { name: legend }).getByRole('radio', { name: label, exact: true });
}

/**
 * Fills the first-time form for person { name, phone, and optionally birthYear, gender,
 * idNumber, address, area } with no symptoms and consent.
 */
export async function fillFirstForm(page, person, { remember = true } = {}) {
  await page.getByLabel('Họ và tên').fill(person.name);
  await page.getByLabel('Số điện thoại').fill(person.phone);
  // The optional parts are folded on the resident's form ("more"); other forms show them.
  const more = page.locator('details#more');
  if (await more.count() && await more.getAttribute('open') === null) await more.locator('summary').click();
  await page.getByLabel('Năm sinh').fill(person.birthYear || '1970');
  await choice(page, 'Giới tính', person.gender || 'Nữ').check();
  if (person.idNumber) await page.getByLabel('Số CCCD/CMND').fill(person.idNumber);
  await page.getByLabel('Xã, phường nơi ở').selectOption(person.area || '00070');
  if (person.address) await page.getByLabel('Số nhà, đường, thôn, tổ').fill(person.address);
  await page.locator('#q-contact').getByRole('radio', { name: 'Không', exact: true }).check();
  await page.locator('#q-travel').getByRole('radio', { name: 'Không', exact: true }).check();
  await page.locator('#q-doses').getByRole('radio', { name: '2', exact: true }).check();
  await page.getByLabel('Tôi đồng ý cung cấp thông tin').check();
  const box = page.getByLabel('Ghi nhớ tôi trên điện thoại này');
  if (remember) await box.check(); else await box.uncheck();
}

/**
 * Waits for the confirmation; checks its colour (green unless symptoms or a contact were
 * declared), venue, direction as the guard reads it and the given name; returns the code.
 */
export async function confirmed(page, venue, direction, given, colour = 'green') {
  const confirmation = page.locator('#confirmation');
  await confirmation.waitFor();
  check(await confirmation.getAttribute('class') === `confirm ${colour}`, `class ${await confirmation.getAttribute('class')}`);
  check(await confirmation.getAttribute('data-direction') === direction, `not "${direction}"`);
  const label = (await page.locator('.confirm-direction').innerText()).toUpperCase();
  check(label === (direction === 'in' ? 'ĐÃ VÀO' : 'ĐÃ RA'), `direction reads ${JSON.stringify(label)}`);
  check(await page.locator('.confirm-venue').innerText() === venue.name, 'venue on the confirmation');
  const name = await page.locator('.confirm-name').innerText();
  check(name === given, `name ${JSON.stringify(name)}, want ${JSON.stringify(given)}`);
  const code = (await page.locator('#check-code').innerText()).trim();
  check(/^[A-Z0-9]{4}$/.test(code), `check code ${JSON.stringify(code)}`);
  return code;
}

/** Check-ins stored at the venue (optionally of one person, one direction). */
export function rowsAt(venue, where = '1') {
  return Number(sqlValue(`SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01' AND venue_id = ${venue.id} AND ${where}`));
}

/** The person a phone number belongs to, from the blind index: through `vaora people show`. */
export function personShown(vaora, phone) {
  const r = vaora('people', 'show', '--province', '01', '--phone', phone);
  return r.status === 0 ? r.stdout : null;
}
