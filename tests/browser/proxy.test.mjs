// A volunteer's proxy desk ("khai hộ") driven by the keyboard alone, as at a checkpoint with a
// laptop: the look-up has the focus, Enter looks up (or, left empty, starts a new person), Tab
// walks the form, Space ticks, arrows pick answers, Enter on "Vào" records, and the focus comes
// back to the look-up for the next resident.
import { DEMO_VENUE, axeAudit, check, sqlValue, url, useSession } from './lib.mjs';

// Tab presses allowed to reach one field: the whole form has about thirty stops.
const TAB_LIMIT = 60;

function newPhone() {
  return `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** Waits for the page's autofocus to land on id (it is applied just after the load). */
async function focusLandsOn(page, id) {
  await page.waitForFunction((i) => document.activeElement && document.activeElement.id === i, id)
    .catch(() => {});
  check(await focusedId(page) === id, `focus on ${JSON.stringify(await focusedId(page))}, not ${id}`);
}

async function focusedId(page) {
  return page.evaluate(() => document.activeElement && document.activeElement.id);
}

/** Presses Tab until the focused element matches selector. */
async function tabTo(page, selector) {
  for (let i = 0; i < TAB_LIMIT; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Presses key and waits for the page it submits to. */
async function submitWith(page, key) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

/** Answers the declaration from its first field: no symptom, no contact, no travel, 2 doses;
 * then ticks consent (for a new person) and records "Vào" with Enter. */
async function declareAndRecord(page, { consent }) {
  await tabTo(page, 'input[name="contact"]');
  await page.keyboard.press('ArrowRight');	// Có → Không
  await tabTo(page, 'input[name="travel"]');
  await page.keyboard.press('ArrowRight');
  await tabTo(page, 'input[name="doses"]');
  await page.keyboard.press('ArrowRight');	// 0 → 1
  await page.keyboard.press('ArrowRight');	// 1 → 2
  if (consent) {
    await tabTo(page, '#consent');
    await page.keyboard.press('Space');
  }
  await tabTo(page, '#btn-in');
  await submitWith(page, 'Enter');
}

/** A new person from the look-up's result: the name has the focus, the rest by Tab. */
async function typeNewPerson(page, name, birthYear) {
  await focusLandsOn(page, 'full_name');
  await page.keyboard.type(name);
  await tabTo(page, '#birth_year');
  await page.keyboard.type(birthYear);
  await tabTo(page, 'input[name="gender"]');
  await page.keyboard.press('Space');
  await declareAndRecord(page, { consent: true });
}

async function recorded(page, givenName) {
  const done = page.locator('#proxy-done');
  if (!await done.count()) {
    const errors = await page.locator('p.error').allInnerTexts();
    throw new Error(`nothing recorded at ${page.url()} (${await page.locator("h1").first().innerText()}): ${JSON.stringify(errors)}`);
  }
  const text = await done.innerText();
  check(text.includes(givenName), `confirmation ${JSON.stringify(text)} lacks ${givenName}`);
  // As plain as the resident's own confirmation: a green band, the given name and the check
  // code in large letters (issue #17.16).
  const look = await done.evaluate((el) => {
    const px = (e) => parseFloat(getComputedStyle(e).fontSize);
    return { background: getComputedStyle(el).backgroundColor, name: px(el.querySelector('.done-name')),
      code: px(el.querySelector('#check-code')), codeText: el.querySelector('#check-code').textContent };
  });
  check(look.background === 'rgb(10, 110, 58)', `the result is no green band: ${JSON.stringify(look)}`);
  check(look.name >= 32 && look.code >= 32 && /^[A-Z0-9]{4}$/.test(look.codeText), `the result is small: ${JSON.stringify(look)}`);
  await focusLandsOn(page, 'find_phone');
  check(await page.locator('#full_name').inputValue() === '', 'the form is not empty for the next resident');
}

export async function test_three_residents_in_a_row_with_the_keyboard_alone(t) {
  const { page } = t;
  await useSession(t, 'hn.volunteer');
  const venue = sqlValue(`SELECT id FROM vaora_s1.venues WHERE province = '01' AND name = '${DEMO_VENUE}'`);
  const volunteer = sqlValue("SELECT id FROM vaora_s1.accounts WHERE province = '01' AND login = 'hn.volunteer'");
  const before = Number(sqlValue(`SELECT COALESCE(MAX(id), 0) FROM vaora_s1.checkins WHERE province = '01'`));
  await page.goto(url(`/ha-noi/venues/${venue}/proxy`));
  await focusLandsOn(page, 'find_phone');
  await axeAudit(page);

  // 1. A new resident with a phone: looked up first, nobody found, the form starts with it.
  const phone = newPhone();
  await page.keyboard.type(phone);
  await submitWith(page, 'Enter');
  check(await page.locator('#find-none').isVisible(), 'a new phone was found');
  check(await page.locator('#phone').inputValue() === phone, 'the looked-up phone is not in the form');
  await typeNewPerson(page, 'Hoàng Văn Một', '1950');
  await recorded(page, 'Một');

  // 2. A resident without a phone: the look-up left empty is a new person straight away.
  await submitWith(page, 'Enter');
  check(await page.locator('#phone').inputValue() === '', 'a phone appeared');
  await typeNewPerson(page, 'Lương Thị Hai', '1938');
  await recorded(page, 'Hai');

  // 3. The first one comes back to leave: found by phone, one tap (answers unchanged).
  await page.keyboard.type(phone);
  await submitWith(page, 'Enter');
  check(await page.locator('.match').count() === 1, 'the returning resident was not found once');
  check(await page.evaluate(() => document.activeElement.matches('.match button.in')), 'the match is not focused');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.matches('.match button.out')), 'Tab did not reach "Ra"');
  await submitWith(page, 'Enter');
  await recorded(page, 'Một');
  await axeAudit(page);

  const rows = Number(sqlValue(`SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01' AND id > ${before}`
    + ` AND venue_id = ${venue} AND method = 'proxy' AND filed_by = ${volunteer}`));
  check(rows === 3, `${rows} proxy check-ins filed by the volunteer, not 3`);
  const out = sqlValue(`SELECT direction FROM vaora_s1.checkins WHERE province = '01' AND id > ${before}`
    + ' ORDER BY id DESC LIMIT 1');
  check(out === 'out', `the last one is ${out}`);
}

export async function test_card_sheet_of_the_people_declared_for(t) {
  const { page } = t;
  await useSession(t, 'hn.volunteer');
  const venue = sqlValue(`SELECT id FROM vaora_s1.venues WHERE province = '01' AND name = '${DEMO_VENUE}'`);
  await page.goto(url(`/ha-noi/venues/${venue}/proxy`));
  // Somebody declared for by this test, so the list is never empty.
  await focusLandsOn(page, 'find_phone');
  await submitWith(page, 'Enter');
  await typeNewPerson(page, 'Vũ Thị Thẻ In', '1945');
  await recorded(page, 'In');
  const boxes = page.locator('#cards-form input[name="person"]');
  check(await boxes.count() > 0, 'nobody to print cards for');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/proxy/cards')),
    page.locator('#btn-cards').click(),
  ]);
  check(response.status() === 200 && response.headers()['content-type'] === 'application/pdf',
    `card sheet ${response.status()} ${response.headers()['content-type']}`);
}
