"""What a check-in costs on disk: posts first check-ins of new people through the form (as
bench.py's checkin part does: wrk with checkin.lua, durable commits) into a throw-away stack of
the release build, then reads every table's rows, data and index bytes from information_schema
(after ANALYZE TABLE) before and after, and prints the growth per confirmed check-in, per table
and in all, and the check-ins' day partition. OPERATIONS.md's Capacity section is made from it.

    python3 tests/bench/row_bytes.py [SECONDS]     (default 40)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

import bench_load  # noqa: E402
import fixtures  # noqa: E402

SECONDS = sys.argv[1] if len(sys.argv) > 1 else "40"
CONNECTIONS = "64"
FAST_WORKERS = "16"
VENUES = 200
SCHEMA = "vaora_s1"


def sizes(stack):
    """{table: (rows, data bytes, index bytes)} of the shard's database, statistics fresh."""
    tables = fixtures.sql(stack, f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{SCHEMA}'"
                                 " AND table_type = 'BASE TABLE'").split()
    fixtures.sql(stack, "ANALYZE TABLE " + ", ".join(f"{SCHEMA}.{t}" for t in tables))
    out = {}
    for t in tables:
        rows = int(fixtures.sql(stack, f"SELECT COUNT(*) FROM {SCHEMA}.{t}"))
        data, index = (int(x) for x in fixtures.sql(
            stack, f"SELECT data_length, index_length FROM information_schema.tables WHERE table_schema = '{SCHEMA}'"
                   f" AND table_name = '{t}'").split("\t"))
        out[t] = (rows, data, index)
    return out


def main():
    with bench_load.BenchStack(FAST_WORKERS).running() as stack:
        codes = bench_load.make_venues(stack, VENUES)
        env = dict(bench_load.phone_env(stack, codes[0]), BENCH_VENUES=",".join(codes))
        before = sizes(stack)
        r = bench_load.wrk(stack.port, "/", CONNECTIONS, SECONDS, "checkin.lua", env)
        checkins = int(bench_load.settled(lambda: fixtures.sql(stack, f"SELECT COUNT(*) FROM {SCHEMA}.checkins")))
        checkins -= before["checkins"][0]
        after = sizes(stack)
        print(f"row-bytes: {checkins} check-ins of new people at {r['rps']:.0f} req/s; growth per check-in:")
        total_data = total_index = 0
        for t in sorted(after):
            rows = after[t][0] - before.get(t, (0, 0, 0))[0]
            data = after[t][1] - before.get(t, (0, 0, 0))[1]
            index = after[t][2] - before.get(t, (0, 0, 0))[2]
            total_data += data
            total_index += index
            if rows or data or index:
                print(f"row-bytes:   {t:28} rows +{rows:7}  data {data / checkins:7.1f} B  index {index / checkins:7.1f} B")
        print(f"row-bytes:   {'all tables':28} {'':13} data {total_data / checkins:7.1f} B  index "
              f"{total_index / checkins:7.1f} B  total {(total_data + total_index) / checkins:7.1f} B")
        parts = fixtures.sql(stack, "SELECT partition_name, table_rows, data_length, index_length FROM "
                                    "information_schema.partitions WHERE table_schema = 'vaora_s1' AND table_name = "
                                    "'checkins' AND table_rows > 0")
        print(f"row-bytes: checkins partitions holding rows (name, rows, data, index): {parts}")


if __name__ == "__main__":
    main()
