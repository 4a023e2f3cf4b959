"""The test runner itself: a new test file runs without being listed, in a known order."""
import run
from harness import check


def test_a_new_test_module_runs_without_being_listed(stack):
    given = ["visits", "zz_new", "answers"] + list(reversed(run.LAST)) + list(reversed(run.FIRST))
    order = run.module_order(given)
    check(order == run.FIRST + ["answers", "visits", "zz_new"] + run.LAST, order)


def test_every_test_file_here_is_run_and_the_stack_stoppers_come_last(stack):
    names = [m.__name__.removeprefix("test_") for m in run.MODULES]
    check("runner" in names and "permissions" in names, names)
    check(names[:len(run.FIRST)] == run.FIRST and names[0] == "pages", names)
    check(names[-len(run.LAST):] == run.LAST and "resilience" in run.LAST, names)
