// The offline queue of checkin.js beyond the plain "no network": an answer lost after the
// server committed, and a reload while a submission waits — each recorded exactly once.
import { check, sqlValue, url } from './lib.mjs';
import { confirmed, fillFirstForm, newPhone, ownVenue, rowsAt } from './resident.mjs';

/** Answers routed check-in posts: drop (the request never leaves), or lose (the server
 * commits, the answer never comes back), until told to let them through. */
async function interceptPosts(page, venue, mode) {
  const state = { mode, seen: 0 };
  await page.route(url(venue.path), async (route) => {
    if (route.request().method() !== 'POST' || state.mode === 'pass') return route.continue();
    state.seen += 1;
    if (state.mode === 'lose') {
      await route.fetch();
      state.mode = 'pass';
    }
    return route.abort('connectionreset');
  });
  return state;
}

export async function test_a_lost_answer_is_retried_into_the_same_checkin(t) {
  const { page } = t;
  const venue = await ownVenue(t.browser, 'Bến xe Mỹ Đình');
  await page.goto(url(venue.path));
  await fillFirstForm(page, { name: 'Trịnh Văn Sơn', phone: newPhone() });
  const posts = await interceptPosts(page, venue, 'lose');
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  // The page saw no answer: it says the check-in waits, and sends it again by itself.
  const code = await confirmed(page, venue, 'in', 'Sơn');
  check(posts.seen === 1, `${posts.seen} posts lost`);
  check(rowsAt(venue) === 1, `${rowsAt(venue)} rows: the retry was recorded again`);
  const stored = sqlValue(`SELECT check_code FROM vaora_s1.checkins WHERE venue_id = ${venue.id}`);
  check(stored === code, `the retry showed ${code}, the first submission stored ${stored}`);
  check(await page.evaluate(() => window.localStorage.getItem('vaora.queue')) === null, 'queue left behind');
}

export async function test_a_waiting_checkin_survives_a_reload(t) {
  const { page } = t;
  const venue = await ownVenue(t.browser, 'Cổng bệnh viện Việt Đức');
  await page.goto(url(venue.path));
  await fillFirstForm(page, { name: 'Mai Thị Thu', phone: newPhone() });
  const posts = await interceptPosts(page, venue, 'drop');
  const pressed = Date.now();
  await page.getByRole('button', { name: 'Vào', exact: true }).click();
  await page.locator('#queue-status').waitFor();
  // Reload while it still cannot go: the new page finds it waiting and says so.
  await page.reload();
  await page.locator('#queue-status').waitFor();
  check((await page.locator('#queue-status').innerText()).includes('sẽ tự gửi lại'), 'status after the reload');
  check(rowsAt(venue) === 0, 'stored while blocked');
  posts.mode = 'pass';
  await confirmed(page, venue, 'in', 'Thu');
  check(posts.seen >= 2 && rowsAt(venue) === 1, `${posts.seen} attempts, ${rowsAt(venue)} rows`);
  // The time kept is when the button was pressed, not when the server finally got it.
  const lag = Number(sqlValue(`SELECT TIMESTAMPDIFF(MICROSECOND, pressed_at, received_at) FROM vaora_s1.checkins
                               WHERE venue_id = ${venue.id}`)) / 1000;
  const pressedAt = Number(sqlValue(`SELECT FLOOR(TIMESTAMPDIFF(MICROSECOND, '1970-01-01', pressed_at) / 1000)
                                     FROM vaora_s1.checkins WHERE venue_id = ${venue.id}`));
  check(Math.abs(pressedAt - pressed) < 2000 && lag > 1000, `pressed ${pressedAt} vs ${pressed}, lag ${lag} ms`);
}

export async function test_a_confirmed_submission_leaves_the_phone_at_once(t) {
  const { page } = t;
  const venue = await ownVenue(t.browser, 'Nhà văn hoá tổ dân phố 5');
  await page.goto(url(venue.path));
  // The privacy notice says the queue exists, in both languages (in full, one tap away).
  await page.locator('.privacy').getByText('Đọc toàn bộ thông báo').click();
  check((await page.locator('.privacy').innerText()).includes('bộ nhớ của trình duyệt'), 'the notice omits the queue');
  // The server's answer has its status but its body is still coming: what was typed must be
  // gone from the phone's storage already.
  const during = await page.evaluate(async () => {
    let finish;
    const body = new ReadableStream({ start(c) { finish = () => { c.enqueue(new TextEncoder().encode('ok')); c.close(); }; } });
    window.fetch = () => Promise.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'text/html' } }));
    const answered = new Promise((resolve) => {
      const q = window.vaora.queue({ storage: 'vaora.test.queue', status: 'queue-status', onAnswer: resolve });
      q.add({ id: 'k1', url: '/x', body: 'name=Nguyen+Van+A&phone=0912345678' });
    });
    await new Promise((r) => setTimeout(r, 300));
    const kept = window.localStorage.getItem('vaora.test.queue');
    finish();
    await answered;
    return kept;
  });
  check(during === null, `the entry stayed on the phone after the server had it: ${during}`);
  await page.goto(url(venue.path + '?lang=en'));
  await page.locator('.privacy').getByText('Read the full notice').click();
  check((await page.locator('.privacy').innerText()).includes("browser storage"), 'the English notice omits the queue');
}
