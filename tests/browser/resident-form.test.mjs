// The first-time form and the one-tap screen as a resident meets them on a 360 px phone: which
// fields are required, what an incomplete form does with and without JavaScript, how long the
// first form is, and what the one-tap screen offers a person already checked in.
import { axeAudit, check, newContext, url } from './lib.mjs';
import { confirmed, fillFirstForm, newPhone, ownVenue, rowsAt } from './resident.mjs';

// The first form's height at 360 px, at most: two screens of 640 px and a little (the header,
// the venue's name and the footer come with every page).
const FIRST_FORM_MAX_PX = 1400;

/** The id of the element that has the focus, or of the radio group's fieldset it is in. */
async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return '';
    return e.type === 'radio' ? `${e.closest('fieldset').id}` : e.id;
  });
}

/** The page's height in CSS pixels at the phone's 360 px width. */
async function pageHeight(page) {
  return page.evaluate(() => document.documentElement.scrollHeight);
}

export async function test_required_fields_are_marked_and_checked_before_sending(t) {
  const { page } = t;
  const venue = await ownVenue(t.browser, 'Quán cà phê Giảng');
  await page.goto(url(venue.path));
  // Required: marked with a visible star and for assistive technology; optional: said in words.
  for (const id of ['full_name']) {
    check(await page.locator(`#${id}`).getAttribute('required') !== null, `#${id} not required`);
    check(await page.locator(`#${id}`).getAttribute('aria-required') === 'true', `#${id} not aria-required`);
    check((await page.locator(`label[for=${id}]`).innerText()).includes('*'), `#${id}'s label has no star`);
  }
  for (const q of ['contact', 'travel', 'doses']) {
    check(await page.locator(`#q-${q} input[required]`).count() > 0, `the ${q} question is not required`);
    check((await page.locator(`#q-${q} legend`).innerText()).includes('*'), `the ${q} question has no star`);
  }
  check(await page.locator('#consent[required]').count() === 1, 'consent not required');
  check((await page.locator('label[for=phone]').innerText()).includes('không bắt buộc'), 'phone not said optional');
  check((await page.locator('.required-note').innerText()).includes('*'), 'no note saying what the star means');
  await axeAudit(page);

  // Everything but the vaccine doses: nothing is sent, the focus goes to that question.
  await fillFirstForm(page, { name: 'Phạm Văn Đức', phone: newPhone() });
  await page.evaluate(() => { for (const r of document.querySelectorAll('#q-doses input')) r.checked = false; });
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await page.locator('#err-doses').waitFor();
  check(await focused(page) === 'q-doses', `focus on ${await focused(page)}, not the doses question`);
  check((await page.locator('#err-doses').innerText()).length > 0, 'no message at the doses question');
  check(rowsAt(venue) === 0, 'an incomplete form was sent');
  // The name left empty too: the first error, at the top, takes the focus.
  await page.getByLabel('Họ và tên').fill('');
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await page.locator('#err-full_name').waitFor();
  check(await focused(page) === 'full_name', `focus on ${await focused(page)}, not the name`);
  check(await page.locator('#full_name').getAttribute('aria-invalid') === 'true', 'the name is not marked invalid');
  await axeAudit(page);
  // What only the server can tell (a phone number that is no number) comes back summed up at
  // the top, each message a link to its field.
  await page.getByLabel('Họ và tên').fill('Phạm Văn Đức');
  await page.locator('#q-doses').getByRole('radio', { name: '2', exact: true }).check();
  await page.getByLabel('Số điện thoại').fill('12345');
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await page.locator('#form-errors a[href="#phone"]').waitFor();
  await axeAudit(page);
  // Corrected, it goes through, once.
  await page.getByLabel('Số điện thoại').fill(newPhone());
  await page.getByLabel('Tôi đồng ý cung cấp thông tin').check();
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await confirmed(page, venue, 'in', 'Đức');
  check(rowsAt(venue) === 1, `rows ${rowsAt(venue)}`);
}

export async function test_without_javascript_the_error_summary_links_to_each_field(t) {
  const venue = await ownVenue(t.browser, 'Nhà thờ Cửa Bắc');
  const context = await newContext(t.browser, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(url(venue.path));
    await page.getByRole('button', { name: 'Vào', exact: true }).click();
    const summary = page.locator('#form-errors');
    await summary.waitFor();
    // (No page.evaluate here: it needs the page's JavaScript, which this phone has not.)
    const links = [];
    for (let i = 0; i < await summary.locator('a').count(); i++) links.push(await summary.locator('a').nth(i).getAttribute('href'));
    for (const href of ['#full_name', '#q-contact', '#q-travel', '#q-doses', '#consent']) {
      check(links.includes(href), `the summary does not link to ${href}: ${links}`);
    }
    // The summary is at the top of the form, before the first field.
    const top = await summary.boundingBox(), name = await page.locator('#full_name').boundingBox();
    check(top.y < name.y, 'the error summary is not above the fields');
    await summary.locator('a[href="#q-doses"]').click();
    check(page.url().endsWith('#q-doses'), `the link went to ${page.url()}`);
    check(rowsAt(venue) === 0, 'an incomplete form wrote a row');
  } finally {
    await context.close();
  }
}

export async function test_first_form_puts_what_matters_first_and_folds_the_rest(t) {
  const { page } = t;
  const venue = await ownVenue(t.browser, 'Siêu thị Tràng Tiền');
  await page.goto(url(venue.path));
  const height = await pageHeight(page);
  console.log(`    first form at 360 px: ${height} px high (${(height / 640).toFixed(2)} screens of 640 px)`);
  // Name, phone, the health questions, then Vào/Ra, in that order.
  const ys = [];
  for (const sel of ['#full_name', '#phone', '#q-contact', '#q-doses', '#consent', '#btn-in']) {
    const box = await page.locator(sel).boundingBox();
    check(box, `${sel} is not shown`);
    ys.push(box.y);
  }
  check(ys.every((y, i) => i === 0 || y > ys[i - 1]), `not in order: ${ys}`);
  // The optional parts wait behind "more", closed the first time.
  const more = page.locator('details#more');
  check(await more.count() === 1 && await more.getAttribute('open') === null, 'no closed "more" section');
  for (const id of ['id_number', 'area_code', 'address']) {
    check(await more.locator(`#${id}`).count() === 1 && !await page.locator(`#${id}`).isVisible(), `#${id} not folded`);
  }
  // The notice in short, with the whole of it one tap away.
  const privacy = page.locator('.privacy');
  check((await privacy.innerText()).includes('Nghị định 13/2023'), 'the short notice lacks its legal basis');
  check(!(await privacy.innerText()).includes('bộ nhớ của trình duyệt'), 'the notice is shown in full');
  await privacy.getByText('Đọc toàn bộ thông báo').click();
  check((await privacy.innerText()).includes('bộ nhớ của trình duyệt'), 'the full notice does not open');
  // It was 2,089 px (3.3 screens) with every field open and the notice in full.
  check(height <= FIRST_FORM_MAX_PX, `the first form is ${height} px high, over ${FIRST_FORM_MAX_PX}`);
  await axeAudit(page);
  // Opened once, "more" stays open on the next visit.
  await more.locator('summary').click();
  check(await page.locator('#id_number').isVisible(), 'the "more" section did not open');
  // The toggle event (and so the saving) comes as a task after the click: a person never
  // leaves the page within that millisecond, a test may.
  await page.waitForFunction(() => window.localStorage.getItem('vaora.more') === 'open', null, { timeout: 5000 });
  await page.goto(url(venue.path));
  check(await page.locator('#id_number').isVisible(), 'the "more" section forgot it was opened');
  await axeAudit(page);
  await page.locator('details#more summary').click();
  await page.waitForFunction(() => window.localStorage.getItem('vaora.more') === 'closed', null, { timeout: 5000 });
  await page.goto(url(venue.path));
  check(!await page.locator('#id_number').isVisible(), 'the "more" section forgot it was closed');
}

/** The elements in main drawn as strong buttons (a filled background of the accent colours). */
async function strongButtons(page) {
  return page.evaluate(() => [...document.querySelectorAll('main a, main button')]
    .filter((e) => e.offsetParent !== null)
    .filter((e) => {
      const bg = getComputedStyle(e).backgroundColor;
      return bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent' && bg !== getComputedStyle(document.body).backgroundColor;
    })
    .map((e) => e.textContent.trim()));
}

export async function test_one_tap_screen_says_when_the_person_is_already_in(t) {
  const { page } = t;
  const venue = await ownVenue(t.browser, 'Khách sạn Hồ Gươm');
  await page.goto(url(venue.path));
  check(await page.getByRole('link', { name: 'Đăng nhập' }).count() === 0, 'a staff login link on the check-in page');
  await fillFirstForm(page, { name: 'Đỗ Thị Lan', phone: newPhone() });
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await confirmed(page, venue, 'in', 'Lan');
  const time = (await page.locator('.confirm-time').innerText()).slice(0, 5);

  await page.goto(url(venue.path));
  const known = page.locator('form.one-tap');
  check(await known.count() === 1, 'the remembered person is not offered');
  const note = await known.locator('.in-since').innerText();
  check(note === `Bạn đã vào lúc ${time} — bấm Ra khi rời đi.`, `note reads ${JSON.stringify(note)}`);
  // Only Vào and Ra are strong; the rest are links.
  const strong = await strongButtons(page);
  check(strong.length === 2 && strong.includes('Vào') && strong.includes('Ra'), `strong buttons: ${strong}`);
  for (const name of ['Khai báo cho người khác', 'Dữ liệu của tôi']) {
    check(await page.getByRole('link', { name }).count() === 1, `no link "${name}"`);
  }
  check(await page.getByRole('link', { name: 'Đăng nhập' }).count() === 0, 'a staff login link on the one-tap screen');
  await axeAudit(page);
  await page.goto(url(`${venue.path}?lang=en`));
  const english = await page.locator('form.one-tap .in-since').innerText();
  check(english === `You checked in at ${time} — tap Out when you leave.`, `note reads ${JSON.stringify(english)}`);

  // Checked out, the note is gone.
  await page.goto(url(`${venue.path}?lang=vi`));
  await page.locator('form.one-tap').getByRole('button', { name: 'Ra', exact: true }).click();
  await confirmed(page, venue, 'out', 'Lan');
  await page.goto(url(venue.path));
  check(await page.locator('form.one-tap .in-since').count() === 0, 'still "already in" after checking out');
  await axeAudit(page);
}
