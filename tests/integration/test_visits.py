"""Visits: check-ins recorded through the JSON API at instants the settable clock gives, then
read back from `vaora people show` with when each visit ended and why: a check-out, the next
check-in elsewhere, the venue category's default stay, or still open."""
import contextlib
import os
import re
import time

import fixtures
from harness import check
from test_checkins import Api, set_clock

MINUTE = 60
# Vietnam is UTC+07:00 all year.
VN_OFFSET = 7 * 3600
VISIT_LINE = re.compile(r"^\s+\d{4}-\d\d-\d\d \d\d:\d\d to ")


def vn_time(seconds):
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(seconds + VN_OFFSET))


def visit(start, end, reason, venue, category, note=""):
    """A line of `vaora people show` for a visit recorded through the API."""
    return f"{vn_time(start)} to {vn_time(end)}  {reason}  {venue} ({category}, api){note}"


def two_days_ago():
    """A whole minute in the past, so that every check-in of a test lies before the real time."""
    return (int(time.time()) // MINUTE - 2 * 24 * 60) * MINUTE


@contextlib.contextmanager
def moved_clock(stack):
    """The block moves the stack's clock; the real time is back after it, whatever happens."""
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(stack.clock_file)


class Resident:
    """One person checking in through the API (at the shop Api made, or venues of their own);
    the first check-in creates them."""

    def __init__(self, stack, phone):
        self.api = Api(stack)
        self.phone = phone
        self.card = None

    def new_venue(self, name, category):
        """The code of a new venue of another category than the shop."""
        return self.api.venue_code(fixtures.add_venue(self.api.stack, "01", name, "00070", category=category,
                                                                verified=True))

    def press(self, code, at, direction="in"):
        set_clock(self.api.stack, at)
        who = {"card": self.card, "person": None} if self.card else {
            "person": {"full_name": "Trần Văn Khách", "phone": self.phone, "birth_year": 1990}}
        r, body = self.api.post(venue=code, direction=direction, pressed_at_ms=at * 1000, **who)
        check(r.status == 201 and not body["already_recorded"], (r.status, body))
        self.card = self.card or body["card"]

    def visits(self, now):
        """The visit lines `vaora people show` prints with the clock at now."""
        set_clock(self.api.stack, now)
        r = self.api.stack.vaora("people", "show", "--province", "ha-noi", "--phone", self.phone,
                                 env={"VAORA_CLOCK_FILE": self.api.stack.clock_file})
        check(r.returncode == 0, r.stderr)
        return [line.strip() for line in r.stdout.decode().splitlines() if VISIT_LINE.match(line)]


def test_checkout_ends_a_visit(stack):
    person = Resident(stack, "0912 500 001")
    shop = person.api.code
    start = two_days_ago()
    with moved_clock(stack):
        person.press(shop, start)
        person.press(shop, start + 10 * MINUTE, "out")
        # A second check-out finds no visit open: a visit of its own, start unknown.
        person.press(shop, start + 20 * MINUTE, "out")
        got = person.visits(start + 30 * MINUTE)
    want = [visit(start, start + 10 * MINUTE, "checkout", "Checkin venue", "shop"),
            visit(start + 20 * MINUTE, start + 20 * MINUTE, "checkout", "Checkin venue", "shop", ", start unknown")]
    check(got == want, (got, want))


def test_next_checkin_elsewhere_ends_a_visit(stack):
    person = Resident(stack, "0912 500 002")
    office = person.new_venue("Văn phòng Visits", "office")
    start = two_days_ago()
    with moved_clock(stack):
        person.press(person.api.code, start)
        person.press(office, start + 5 * MINUTE)
        got = person.visits(start + 10 * MINUTE)
    # The office's 9 hours have not run out: open, ending when they will.
    want = [visit(start, start + 5 * MINUTE, "next-checkin", "Checkin venue", "shop"),
            visit(start + 5 * MINUTE, start + 5 * MINUTE + 540 * MINUTE, "open", "Văn phòng Visits", "office")]
    check(got == want, (got, want))


def test_default_stay_ends_a_visit(stack):
    person = Resident(stack, "0912 500 003")
    market = person.new_venue("Chợ Visits", "market")
    start = two_days_ago()
    with moved_clock(stack):
        person.press(market, start)
        before = person.visits(start + 30 * MINUTE)
        after = person.visits(start + 61 * MINUTE)
    # The end is the market's 60 minutes either way; only whether it has passed changes.
    check(before == [visit(start, start + 60 * MINUTE, "open", "Chợ Visits", "market")], before)
    check(after == [visit(start, start + 60 * MINUTE, "default-stay", "Chợ Visits", "market")], after)
