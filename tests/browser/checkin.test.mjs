// A resident's self check-in on a phone with JavaScript (checkin.js sends the form and shows
// the answer): from the poster's URL to the green confirmation, then what was stored.
import { DEMO_VENUE, axeAudit, check, demoVenueCode, sql, sqlValue, url, vaora } from './lib.mjs';
import { confirmed, fillFirstForm, newPhone, rowsAt } from './resident.mjs';

// A person of this run alone: the phone number is new each run, the name has every kind of
// Vietnamese diacritic (ư, ơ, ạ, ầ, ễ).
const NAME = 'Trần Thị Ngọc Hương Nguyễn';
const GIVEN_NAME = 'Nguyễn';
const ADDRESS = '12 Hàng Đào, tổ 5';
const AREA = '00070';

function person(phone) {
  return { name: NAME, phone, birthYear: '1987', gender: 'Nữ', idNumber: '001187012345', address: ADDRESS, area: AREA };
}

async function demoVenue(browser) {
  const code = await demoVenueCode(browser);
  const id = sqlValue(`SELECT id FROM vaora_s1.venues WHERE province = '01' AND name = '${DEMO_VENUE}'`);
  return { code, id, name: DEMO_VENUE, path: `/ha-noi/c/${code}` };
}

export async function test_first_checkin_from_the_poster_url(t) {
  const { page } = t;
  const venue = await demoVenue(t.browser);
  const phone = newPhone();
  const before = rowsAt(venue);

  // The poster's QR holds the URL in upper case (QR alphanumeric mode); a camera opens it as is.
  const r = await page.goto(url(`/HA-NOI/C/${venue.code}`));
  check(r.status() === 200, `poster URL: status ${r.status()}`);
  check(await page.locator('h1').innerText() === DEMO_VENUE, 'not the venue\'s page');
  await axeAudit(page);
  await fillFirstForm(page, person(phone));
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  const checkCode = await confirmed(page, venue, 'in', GIVEN_NAME);
  await axeAudit(page);

  // One row, as the confirmation says.
  check(rowsAt(venue) === before + 1, `${rowsAt(venue) - before} rows added`);
  const [personId, direction, method, amber, storedCode] = sql(`SELECT person_id, direction, method, amber, check_code`
    + ` FROM vaora_s1.checkins WHERE province = '01' AND venue_id = ${venue.id} ORDER BY id DESC LIMIT 1`)[0];
  check(direction === 'in' && method === 'self' && amber === '0' && storedCode === checkCode,
    { direction, method, amber, storedCode, checkCode });

  // The person, decrypted by the command line, with the name exactly as typed.
  const shown = vaora('people', 'show', '--province', 'ha-noi', '--phone', phone);
  check(shown.status === 0, `people show: ${shown.status} ${shown.stderr}`);
  check(shown.stdout.startsWith(`person ${personId}\n`), shown.stdout);
  for (const line of [`  name: ${NAME}`, `  phone: ${phone}`, `  address: ${ADDRESS}`, `  commune: ${AREA}`,
    '  birth year: 1987', '  gender: female']) {
    check(shown.stdout.split('\n').includes(line), `people show lacks ${JSON.stringify(line)}: ${shown.stdout}`);
  }
}

export async function test_remembered_person_checks_out_with_one_tap(t) {
  const { page } = t;
  const venue = await demoVenue(t.browser);
  const phone = newPhone();
  await page.goto(url(venue.path));
  await fillFirstForm(page, person(phone));
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await confirmed(page, venue, 'in', GIVEN_NAME);
  const personId = sqlValue(`SELECT person_id FROM vaora_s1.checkins WHERE province = '01' AND venue_id = ${venue.id}`
    + ' ORDER BY id DESC LIMIT 1');

  // Next visit on the same phone: "Bạn là …?" and one tap.
  await page.goto(url(venue.path));
  const known = page.locator('form.one-tap').filter({ hasText: NAME });
  check(await known.count() === 1, 'the remembered person is not offered');
  await axeAudit(page);
  await known.getByRole('button', { name: 'Ra', exact: true }).click();
  await confirmed(page, venue, 'out', GIVEN_NAME);
  check(rowsAt(venue, `person_id = ${personId}`) === 2, 'rows of the person');
  check(rowsAt(venue, `person_id = ${personId} AND direction = 'out' AND method = 'self'`) === 1, 'no check-out row');
}

export async function test_offline_checkin_is_queued_and_sent_once(t) {
  const { page, context } = t;
  const venue = await demoVenue(t.browser);
  const phone = newPhone();
  await page.goto(url(venue.path));
  await fillFirstForm(page, person(phone));
  const before = rowsAt(venue);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  const queued = page.locator('#queue-status');
  await queued.waitFor();
  check((await queued.innerText()).startsWith('Chưa gửi được vì mất kết nối.'), `status reads ${await queued.innerText()}`);
  check(rowsAt(venue) === before, 'a row was stored while offline');
  check(await page.evaluate(() => JSON.parse(localStorage.getItem('vaora.queue') || '[]').length) === 1, 'not queued');
  await context.setOffline(false);
  await confirmed(page, venue, 'in', GIVEN_NAME);
  check(rowsAt(venue) === before + 1, `${rowsAt(venue) - before} rows after the network came back`);
  check(await page.evaluate(() => localStorage.getItem('vaora.queue')) === null, 'the queue was not emptied');
}
