"""Starts a throw-away stack, runs the integration tests against it, stops it whatever happens."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import harness  # noqa: E402
import test_pages  # noqa: E402
import test_requests  # noqa: E402
import test_cli  # noqa: E402
import test_permissions  # noqa: E402
import test_accounts  # noqa: E402
import test_privacy  # noqa: E402
import test_venues  # noqa: E402
import test_posters  # noqa: E402
import test_cards  # noqa: E402
import test_checkins  # noqa: E402
import test_selfcheckin  # noqa: E402
import test_visits  # noqa: E402
import test_throttling  # noqa: E402
import test_resilience  # noqa: E402

# Order matters: the resilience tests stop and restart parts of the stack, so they come last.
MODULES = [test_pages, test_requests, test_cli, test_permissions, test_accounts, test_venues, test_posters, test_cards,
           test_checkins, test_selfcheckin, test_visits, test_privacy,
           test_throttling,
           test_resilience]


def main():
    stack = harness.Stack()
    results = os.environ.get("VAORA_RESULTS")
    try:
        stack.start()
        print(f"  stack on http://127.0.0.1:{stack.port}/ in {stack.dir}")
        passed, failed = harness.run_tests(stack, MODULES, results)
    except Exception as e:
        print(f"integration: could not run: {e}")
        if results:
            with open(results, "a") as f:
                f.write("integration:start 1 1\n")
        passed, failed = 0, 1
    finally:
        stack.stop()
        if os.environ.get("VAORA_KEEP_STACK"):
            print(f"  kept {stack.dir}")
        else:
            stack.cleanup()
    print(f"integration: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
