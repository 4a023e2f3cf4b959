"""What the fault drills share: clients that post check-ins and retry each with its own
idempotency key until confirmed (as the phone's queue does), what they saw while something was
down, and the count afterwards: acknowledged, lost, doubled, stall. Each client checks in someone
new, then that person at RETURNING_VISITS other venues by their card with the time of the tap
(the plain check-ins the check-in writer records in batches, cgi/domain/checkin-writer.h), and
so on: both ways a check-in is written are under every fault."""
import json
import os
import re
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))

import fixtures  # noqa: E402
from harness import logged_in  # noqa: E402
from test_checkins import NO  # noqa: E402

CLIENTS = 8
# A retried request waits this long; a confirmation must come within RETRY_SECONDS of the first
# try once the fault is over, or the drill fails (no hang).
RETRY_PAUSE = 0.2
RETRY_SECONDS = 120
# An answer slower than this, with a fault going on, is a hang: vaora must say 503 at once.
HANG_SECONDS = 15
# How long the default and the short (CI) drills run before the fault and after its repair.
DEFAULT_SECONDS = 5.0
SHORT_SECONDS = 2.0
# Check-ins of a returning person after their first, each at another venue (the two-minute rule
# would make a second at the same venue the first again).
RETURNING_VISITS = 3


class RetryingClient(threading.Thread):
    """Posts new people's check-ins through the JSON API with fresh keys, each retried with
    its key until confirmed; counts every answer that was not a confirmation by its kind."""

    def __init__(self, stack, headers, codes, n):
        super().__init__(daemon=True)
        self.stack, self.headers, self.codes, self.n = stack, headers, codes, n
        self.running = True
        self.confirmed = {}  # key -> check-in id
        self.refusals = {}  # "503+Retry-After", "502", "no answer", ... -> count
        self.hangs = 0
        self.longest_wait = 0.0
        self.error = None  # what ended the client, if anything did
        self.samples = {}  # the first body of each kind of refusal, for the report

    def refused(self, kind, body=b""):
        self.refusals[kind] = self.refusals.get(kind, 0) + 1
        self.samples.setdefault(kind, body[:300])

    def try_once(self, body):
        """The confirmation's JSON, or None after counting the refusal."""
        sent = time.monotonic()
        try:
            r = self.stack.post("/ha-noi/api/v1/checkins", body, headers=self.headers, timeout=HANG_SECONDS * 2)
        except Exception:  # a reset or timed-out connection is an unanswered request: retry
            self.hangs += time.monotonic() - sent > HANG_SECONDS
            self.refused("no answer")
            return None
        self.hangs += time.monotonic() - sent > HANG_SECONDS
        if r.status in (200, 201):
            return json.loads(r.body)
        self.refused(f"{r.status}+Retry-After" if r.header("Retry-After") else str(r.status), r.body)
        return None

    def post_until_confirmed(self, body):
        """The confirmation's JSON of the check-in body, sent until it is confirmed."""
        body = json.dumps(body)
        first = time.monotonic()
        while time.monotonic() - first < RETRY_SECONDS:
            confirmed = self.try_once(body)
            if confirmed is not None:
                self.longest_wait = max(self.longest_wait, time.monotonic() - first)
                return confirmed
            time.sleep(RETRY_PAUSE)
        raise RuntimeError(f"no confirmation in {RETRY_SECONDS} s of {body}; answers seen: {self.samples}")

    def check_in(self, venue, **fields):
        """One check-in at venue (an index of codes) with a key of its own, confirmed; returns the
        confirmation's JSON."""
        key = uuid.uuid4().hex
        answer = self.post_until_confirmed(dict(fields, venue=self.codes[venue], direction="in", key=key, answers=NO))
        self.confirmed[key] = answer["id"]
        return answer

    def run(self):
        try:
            self.check_in_people()
        except Exception as e:  # a client that died is the drill's failure, not fewer check-ins
            self.error = repr(e)

    def check_in_people(self):
        i = 0
        while self.running:
            first = self.check_in(0, consent=True, person={"full_name": f"Người Thử Lỗi {self.n} {i}",
                                                           "phone": f"09{self.n:02d}{i:06d}", "birth_year": 1980})
            # A first check-in answered as a replay (its first answer lost to the fault) gives no
            # card: that person comes back no more.
            for venue in range(1, len(self.codes) if "card" in first else 1):
                if not self.running:
                    break
                # The time of the tap, resent with each retry as a phone's queue does.
                self.check_in(venue, card=first["card"], pressed_at_ms=str(int(time.time() * 1000)))
            i += 1

    def stop(self):
        self.running = False
        self.join(RETRY_SECONDS + 30)


class Load:
    """CLIENTS retrying clients posting to fresh verified venues of Hà Nội on stack."""

    def __init__(self, stack):
        admin = logged_in(stack, "hn.admin")
        r = admin.post_form("/ha-noi/api-tokens", {"label": "Drill", "role": "volunteer"})
        token = re.search(r'id="new-token">([^<]+)<', r.text).group(1)
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        self.stack = stack
        self.venues = [fixtures.add_venue(stack, "01", f"Điểm thử lỗi {n}", "00070", verified=True)
                       for n in range(1 + RETURNING_VISITS)]
        codes = [fixtures.venue_code(admin, venue) for venue in self.venues]
        self.clients = [RetryingClient(stack, headers, codes, n) for n in range(CLIENTS)]

    def start(self):
        for c in self.clients:
            c.start()

    def stop(self):
        for c in self.clients:
            c.stop()

    def refusals(self):
        total = {}
        for c in self.clients:
            for kind, n in c.refusals.items():
                total[kind] = total.get(kind, 0) + n
        return total

    def where(self):
        """The SQL condition of the drill's check-ins: Hà Nội's at its venues."""
        return f"province = '01' AND venue_id IN ({','.join(str(v) for v in self.venues)})"

    def count(self, database="vaora_s1"):
        """(acknowledged, lost, doubled, stall seconds, hangs) from the shard's database."""
        confirmed = {k: v for c in self.clients for k, v in c.confirmed.items()}
        ids = sorted(set(confirmed.values()))
        present = set()
        where = self.where()
        for start in range(0, len(ids), 1000):
            chunk = ",".join(str(i) for i in ids[start:start + 1000])
            present |= set(fixtures.sql(self.stack, f"SELECT id FROM {database}.checkins WHERE {where}"
                                                    f" AND id IN ({chunk})").split())
        rows = int(fixtures.sql(self.stack, f"SELECT COUNT(*) FROM {database}.checkins WHERE {where}"))
        lost = len(ids) - len(present) + (len(confirmed) - len(ids))
        # Every key was confirmed (clients retry until they are): one row each, no more.
        doubled = rows - len(confirmed)
        stall = max(c.longest_wait for c in self.clients)
        return len(confirmed), lost, doubled, stall, sum(c.hangs for c in self.clients)


def report(name, load, detail, database="vaora_s1"):
    """Prints the drill's line and returns whether nothing was lost, doubled or hung."""
    acknowledged, lost, doubled, stall, hangs = load.count(database)
    refusals = ", ".join(f"{n} {kind}" for kind, n in sorted(load.refusals().items())) or "none"
    errors = [c.error for c in load.clients if c.error]
    print(f"drill {name}: acknowledged {acknowledged}, lost {lost}, doubled {doubled}, stall {stall:.1f} s "
          f"({detail}; refused tries, all retried: {refusals}; hangs {hangs}; clients ended by an error: "
          f"{errors or 'none'})")
    odd = {kind: body for c in load.clients for kind, body in c.samples.items() if not kind.startswith("50")}
    if odd:
        print(f"drill {name}: the first answer of each other kind: {odd}")
    return lost == 0 and doubled == 0 and hangs == 0 and acknowledged > 0 and not errors


def seconds_from_argv():
    """[--short] [BEFORE [AFTER]]: seconds of load before the fault and after its repair."""
    args = sys.argv[1:]
    if "--short" in args:
        return SHORT_SECONDS, SHORT_SECONDS
    given = [float(a) for a in args[:2]]
    return tuple(given + [DEFAULT_SECONDS, DEFAULT_SECONDS][len(given):])
