// Gate mode as a venue's staff use it: a USB barcode reader typing codes into the page (ten
// back to back at 5 ms a character, one cut short, personal QR cards and chip ID cards mixed),
// a repeated and a garbled scan, and the camera, fed a personal QR through chromium's fake
// video capture (a .y4m frame drawn here from the card's PNG).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  axeAudit, check, demoVenueCode, launch, newContext, sessionFor, sql, sqlValue, stack, url, vaora,
} from './lib.mjs';
import { ownVenue } from './resident.mjs';

// A reader types about this fast; the page tells it from a hand by it.
const READER_KEY_DELAY_MS = 5;
// Longer than the page's READER_IDLE_MS: the reader lost the end of the code, the guard rescans.
const RESCAN_PAUSE_MS = 1000;
// Frame of the fake camera, and the QR's side in it: some 10 pixels a module.
const FRAME_WIDTH = 640;
const FRAME_HEIGHT = 480;
const FRAME_QR_SIDE = 440;
const GATE_VENUE = 'Cổng Sân vận động (gate tests)';

let gateVenueId = null;

/** A venue of hn.manager with hn.volunteer at its gate, apart from the demo venue where the
 * residents made here check themselves in (a gate scan within two minutes would repeat it). */
async function setUpGateVenue(browser) {
  if (gateVenueId) return gateVenueId;
  gateVenueId = (await ownVenue(browser, GATE_VENUE)).id;
  sql(`UPDATE vaora_s1.venues SET verified = 1 WHERE province = '01' AND id = ${gateVenueId}`);
  for (const [login, kind] of [['hn.manager', 'manager'], ['hn.volunteer', 'volunteer']]) {
    // Verified and approved by an officer, as a desk must be before it scans people (issue #13).
    sql(`INSERT INTO vaora_s1.venue_staff (province, venue_id, account_id, kind, approved_at) SELECT '01',
         ${gateVenueId}, id, '${kind}', '2026-01-01' FROM vaora_s1.accounts WHERE province = '01' AND login = '${login}'`);
  }
  return gateVenueId;
}

function gateVenue() {
  check(gateVenueId, 'the gate venue is not set up');
  return gateVenueId;
}

function gateRows(method = 'gate-reader') {
  return Number(sqlValue(`SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01' AND venue_id = ${gateVenue()}`
    + ` AND method = '${method}'`));
}

/** A new ID number of Hà Nội (001…) for this run. */
function newIdNumber() {
  return `001${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}

/** A chip ID card's QR text, as real cards hold it. */
function cccd(idNumber, fullName, birth = '15081987', gender = 'Nam') {
  return `${idNumber}|012345678|${fullName}|${birth}|${gender}|Số 12 Hàng Đào, Hoàn Kiếm, Hà Nội|20042021`;
}

/**
 * A new resident, made as residents are made: a self check-in with "remember me" on a phone of
 * its own, which then fetches the personal QR. Returns { url (as a camera reads it), png }.
 */
async function residentCard(browser, fullName) {
  const code = await demoVenueCode(browser);
  const phone = await newContext(browser);
  try {
    const form = await (await phone.request.get(url(`/ha-noi/c/${code}?new=1`))).text();
    const field = (name) => form.match(new RegExp(`name="${name}" value="([^"]*)"`))[1];
    const r = await phone.request.post(url(`/ha-noi/c/${code}`), {
      form: {
        csrf: field('csrf'), key: field('key'), direction: 'in', full_name: fullName, phone: '0987654321',
        consent: '1', remember: '1', contact: 'no', travel: 'no', doses: '2',
      },
    });
    check(r.status() === 200, `self check-in of ${fullName}: ${r.status()}`);
    const png = await (await phone.request.get(url('/ha-noi/me/0/qr.png'))).body();
    const file = path.join(stack.dir, `gate-card-${Date.now()}-${Math.random().toString(36).slice(2)}.png`);
    fs.writeFileSync(file, png);
    const read = execFileSync('zbarimg', ['--nodbus', '--raw', '-q', file], { encoding: 'utf8' }).trim();
    check(/\/HA-NOI\/R\/[A-Z2-7]{24}$/.test(read), `card QR reads ${JSON.stringify(read)}`);
    return { url: read, png };
  } finally {
    await phone.close();
  }
}

/** The gate page of the test venue, logged in as login, ready for a reader. */
async function openGate(t, login = 'hn.manager', page = t.page) {
  await setUpGateVenue(t.browser);
  await page.context().addCookies((await sessionFor(t.browser, login)).cookies);
  const r = await page.goto(url(`/ha-noi/venues/${gateVenue()}/gate`));
  check(r.status() === 200, `gate page: ${r.status()}`);
  await page.locator('#code').focus();
  return page;
}

/** What the reader types for one code: the characters, then Enter unless it was cut short. */
async function readerTypes(page, text, enter = true) {
  await page.keyboard.type(text, { delay: READER_KEY_DELAY_MS });
  if (enter) await page.keyboard.press('Enter');
}

/** A chip ID card as the page shows it in every flash: the given name and the number's last 4 digits. */
function shownName(given, idNumber) {
  return `${given} …${idNumber.slice(-4)}`;
}

/** The flash asks to confirm the notice for a new person (the count-th log entry): the guard
 * presses Enter on the empty reader field, as the flash says. */
async function confirmNoticeWithEnter(page, count) {
  const entries = await logEntries(page, count);
  const last = entries[entries.length - 1];
  check(last.outcome === 'consent', `the flash does not ask for the notice: ${JSON.stringify(last)}`);
  check(await page.locator('#flash-consent').isVisible(), 'no confirmation button in the flash');
  check(await page.evaluate(() => document.activeElement.id) === 'code', 'the reader field lost the focus');
  await page.keyboard.press('Enter');
  await logEntries(page, count + 1);
}

async function logEntries(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('#gate-log li').length >= n, count,
    { timeout: 30000 });
  return page.locator('#gate-log li').evaluateAll((items) => items.reverse().map((li) => ({
    outcome: li.getAttribute('data-outcome'), color: li.className, text: li.textContent,
  })));
}

export async function test_gate_reader_ten_scans_back_to_back(t) {
  const cards = [];
  for (const name of ['Vũ Thị An', 'Vũ Văn Bình', 'Vũ Thị Chi', 'Vũ Văn Dũng', 'Vũ Thị Em']) {
    cards.push(await residentCard(t.browser, name));
  }
  const ids = [newIdNumber(), newIdNumber(), newIdNumber(), newIdNumber()];
  const page = await openGate(t);
  await axeAudit(page);
  const before = gateRows();
  const peopleBefore = Number(sqlValue("SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01'"));
  // Ten scans: cards and ID cards mixed, the fourth cut short (its end lost, no Enter). Each new
  // ID card holder is recorded once the guard confirms the notice with Enter.
  const scans = [
    [cards[0].url], [cccd(ids[0], 'Lý Văn Giáp'), true, true], [cards[1].url], [cards[2].url.slice(0, -6), false],
    [cccd(ids[1], 'Lý Thị Hạnh', '02011995', 'Nữ'), true, true], [cards[2].url], [cccd(ids[2], 'Lý Văn Khôi'), true, true],
    [cards[3].url], [cccd(ids[3], 'Lý Thị Loan', '00001950', 'NỮ'), true, true], [cards[4].url],
  ];
  let entries = 0;
  for (const [text, enter = true, newPerson = false] of scans) {
    await readerTypes(page, text, enter);
    entries++;
    if (!enter) await page.waitForTimeout(RESCAN_PAUSE_MS);
    if (newPerson) await confirmNoticeWithEnter(page, entries++);
  }
  const log = await logEntries(page, 14);
  const recorded = log.filter((e) => e.outcome === 'recorded');
  const cut = log.filter((e) => e.outcome === 'refused');
  check(recorded.length === 9 && cut.length === 1 && log.filter((e) => e.outcome === 'consent').length === 4, log);
  check(recorded.every((e) => e.color === 'green'), log);
  check(cut[0].color === 'red' && cut[0].text.includes('bị ngắt giữa chừng'), cut);
  for (const given of ['An', 'Giáp', 'Bình', 'Hạnh', 'Chi', 'Khôi', 'Dũng', 'Loan', 'Em']) {
    check(recorded.some((e) => e.text.includes(given)), `no green flash names ${given}: ${JSON.stringify(log)}`);
  }
  check(await page.locator('#code').inputValue() === '', 'the reader input kept text');
  // Nine rows, by reader, and the four ID cards' holders created from their fields.
  check(gateRows() === before + 9, `${gateRows() - before} rows`);
  const peopleAfter = Number(sqlValue("SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01'"));
  check(peopleAfter === peopleBefore + 4, `${peopleAfter - peopleBefore} people created`);
  const shown = vaora('people', 'show', '--province', 'ha-noi', '--id-number', ids[3]);
  for (const line of ['  name: Lý Thị Loan', '  birth year: 1950', '  gender: female']) {
    check(shown.stdout.split('\n').includes(line), `people show lacks ${line}: ${shown.stdout}`);
  }
  await axeAudit(page);
}

export async function test_gate_repeated_scan_is_shown_not_recorded(t) {
  const card = await residentCard(t.browser, 'Hồ Thị Lặp');
  const page = await openGate(t, 'hn.volunteer');
  const before = gateRows();
  await readerTypes(page, card.url);
  await readerTypes(page, card.url);
  const log = await logEntries(page, 2);
  check(log[0].outcome === 'recorded' && log[1].outcome === 'already', log);
  check(log[1].color === 'green' && log[1].text.includes('trong 2 phút qua'), log);
  check(await page.locator('#flash').getAttribute('data-outcome') === 'already', 'the flash shows no repeat');
  check(gateRows() === before + 1, `${gateRows() - before} rows for one person`);
}

export async function test_gate_garbled_scan_is_red_and_stores_nothing(t) {
  const page = await openGate(t);
  const before = Number(sqlValue("SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01'"));
  await readerTypes(page, '}{#@! 0x1F garbage ~~ ||| not a code');
  const [entry] = await logEntries(page, 1);
  const flash = page.locator('#flash');
  check(entry.outcome === 'refused' && await flash.getAttribute('class') === 'flash red', entry);
  check((await flash.locator('.flash-message').innerText()).startsWith('Mã không hợp lệ'), entry);
  check(Number(sqlValue("SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01'")) === before, 'a row was stored');
}

export async function test_gate_half_read_id_card_is_completed_by_the_guard(t) {
  const page = await openGate(t);
  const id = newIdNumber();
  const before = gateRows();
  await readerTypes(page, `${id}|012345678|Mai Văn Th`);
  const [entry] = await logEntries(page, 1);
  check(entry.outcome === 'incomplete' && entry.color === 'amber', entry);
  const panel = page.locator('#gate-complete');
  await panel.waitFor();
  check(await page.getByLabel('Số CCCD/CMND').inputValue() === id, 'the ID number read is not shown');
  check(await page.getByLabel('Họ và tên').inputValue() === '', 'a cut name was kept');
  check(gateRows() === before, 'a half-read card stored a row');
  await page.getByLabel('Họ và tên').fill('Mai Văn Thành');
  await page.getByLabel('Năm sinh').fill('1979');
  await page.getByRole('button', { name: 'Đã đọc thông báo — ghi nhận', exact: true }).click();
  const log = await logEntries(page, 2);
  check(log[1].outcome === 'recorded' && log[1].text.includes('Thành'), log);
  await panel.waitFor({ state: 'hidden' });
  check(gateRows() === before + 1, `${gateRows() - before} rows`);
}

/** One 4:2:0 .y4m frame of the card's QR on white, drawn by a page's canvas from the PNG. */
async function cameraFrame(page, png, file) {
  const luma = await page.evaluate(async ({ b64, w, h, side }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, (w - side) / 2, (h - side) / 2, side, side);
    const rgba = ctx.getImageData(0, 0, w, h).data;
    let out = '';
    for (let i = 0; i < rgba.length; i += 4) {
      out += String.fromCharCode(Math.round(0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]));
    }
    return btoa(out);
  }, { b64: png.toString('base64'), w: FRAME_WIDTH, h: FRAME_HEIGHT, side: FRAME_QR_SIDE });
  const chroma = Buffer.alloc((FRAME_WIDTH / 2) * (FRAME_HEIGHT / 2), 128);
  fs.writeFileSync(file, Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${FRAME_WIDTH} H${FRAME_HEIGHT} F10:1 Ip A1:1 C420jpeg\nFRAME\n`),
    Buffer.from(luma, 'base64'), chroma, chroma,
  ]));
}

export async function test_gate_camera_reads_a_personal_qr(t) {
  const card = await residentCard(t.browser, 'Đinh Văn Ống Kính');
  const video = path.join(stack.dir, 'gate-camera.y4m');
  await cameraFrame(t.page, card.png, video);
  const camera = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`]);
  try {
    const context = await newContext(camera.browser);
    const page = await context.newPage();
    await openGate(t, 'hn.volunteer', page);
    check(await page.evaluate(() => !('BarcodeDetector' in window)), 'this chromium has a BarcodeDetector');
    const before = gateRows('gate-camera');
    await page.getByRole('button', { name: 'Bật camera', exact: true }).click();
    const [entry] = await logEntries(page, 1);
    check(entry.outcome === 'recorded' && entry.color === 'green' && entry.text.includes('Kính'), entry);
    check(await page.evaluate(() => typeof window.jsQR === 'function'), 'jsQR was not loaded');
    // The card stays in front of the camera: still one row.
    await page.waitForTimeout(1500);
    check(gateRows('gate-camera') === before + 1, `${gateRows('gate-camera') - before} camera rows`);
    await page.getByRole('button', { name: 'Tắt camera', exact: true }).click();
    await context.close();
  } finally {
    await camera.close();
  }
}

export async function test_gate_scan_offline_is_queued_and_sent_once(t) {
  const card = await residentCard(t.browser, 'Tạ Thị Mất Mạng');
  const page = await openGate(t);
  const before = gateRows();
  await t.context.setOffline(true);
  await readerTypes(page, card.url);
  const [waiting] = await logEntries(page, 1);
  check(waiting.outcome === 'queued' && waiting.color === 'amber', waiting);
  check(!(await page.locator('#queue-status').isHidden()), 'the queue says nothing');
  check(gateRows() === before, 'a row was stored while offline');
  await t.context.setOffline(false);
  const log = await logEntries(page, 2);
  check(log[1].outcome === 'recorded' && log[1].text.includes('Mạng'), log);
  check(gateRows() === before + 1, `${gateRows() - before} rows after the network came back`);
  check(await page.evaluate(() => localStorage.getItem('vaora.gate.queue')) === null, 'the queue was not emptied');
}

export async function test_gate_new_id_card_holder_is_recorded_once_the_guard_confirms_the_notice(t) {
  const page = await openGate(t);
  check(await page.locator('input[name="consent"]').count() === 0, 'the page still has a page-wide consent box');
  const [first, second] = [newIdNumber(), newIdNumber()];
  const before = gateRows();
  await readerTypes(page, cccd(first, 'Trịnh Thị Đọc', '02011995', 'Nữ'));
  const [asked] = await logEntries(page, 1);
  const flash = page.locator('#flash');
  check(asked.outcome === 'consent' && await flash.getAttribute('class') === 'flash amber', asked);
  const message = await flash.locator('.flash-message').innerText();
  check(message.startsWith('Người mới') && message.includes('Đã đọc thông báo — ghi nhận'), message);
  check(await flash.locator('.flash-name').innerText() === shownName('Đọc', first), 'the amber flash names no one');
  check(gateRows() === before, 'recorded before the notice was read');
  await axeAudit(page);
  // Enter on the empty reader field confirms; the green flash names the person the same way.
  await confirmNoticeWithEnter(page, 1);
  const [, done] = await logEntries(page, 2);
  check(done.outcome === 'recorded' && await flash.getAttribute('class') === 'flash green', done);
  check(await flash.locator('.flash-name').innerText() === shownName('Đọc', first), 'the green flash names another way');
  check(await page.locator('#flash-consent').isHidden(), 'the confirmation stays offered');
  check(gateRows() === before + 1, `${gateRows() - before} rows`);
  // The next new person is asked afresh: nothing carries over from the first confirmation.
  await readerTypes(page, cccd(second, 'Trịnh Văn Hai'));
  const log = await logEntries(page, 3);
  check(log[2].outcome === 'consent' && gateRows() === before + 1, log);
  await page.getByRole('button', { name: 'Đã đọc thông báo — ghi nhận', exact: true }).click();
  const after = await logEntries(page, 4);
  check(after[3].outcome === 'recorded' && after[3].text.includes(shownName('Hai', second)), after);
  check(await page.evaluate(() => document.activeElement.id) === 'code', 'the focus left the reader field');
  check(gateRows() === before + 2, `${gateRows() - before} rows`);
}

export async function test_gate_card_typed_without_marks_is_shown_for_the_guard_to_correct(t) {
  const page = await openGate(t);
  const id = newIdNumber();
  const before = gateRows();
  // The same card as a reader without Unicode output types it: plain ASCII.
  await readerTypes(page, `${id}|012345678|Trinh Thi Khong Dau|02011995|Nu|So 12 Hang Dao, Hoan Kiem, Ha Noi|20042021`);
  const [entry] = await logEntries(page, 1);
  check(entry.outcome === 'incomplete' && entry.color === 'amber', entry);
  check((await page.locator('#flash .flash-message').innerText()).includes('không có dấu'), entry);
  await page.locator('#gate-complete').waitFor();
  check(await page.getByLabel('Họ và tên').inputValue() === 'Trinh Thi Khong Dau', 'what was read is not shown');
  check(gateRows() === before, 'a stripped name was stored');
  await page.getByLabel('Họ và tên').fill('Trịnh Thị Không Dấu');
  await page.getByRole('button', { name: 'Đã đọc thông báo — ghi nhận', exact: true }).click();
  const log = await logEntries(page, 2);
  check(log[1].outcome === 'recorded' && log[1].text.includes(shownName('Dấu', id)), log);
  check(gateRows() === before + 1, `${gateRows() - before} rows`);
  const shown = vaora('people', 'show', '--province', 'ha-noi', '--id-number', id);
  check(shown.stdout.split('\n').includes('  name: Trịnh Thị Không Dấu'), shown.stdout);
}
