"""The suite takes back what a test puts in os.environ (tests/conftest.py),
so tests do not depend on the order they run in. These two run in file order."""

import os

PROBE = "BANSOS_TEST_ENV_PROBE"


def test_a_test_sets_a_variable_without_cleaning_up():
    os.environ[PROBE] = "left behind"
    os.environ["BANSOS_DB"] = "/nonexistent/left-behind.duckdb"


def test_the_next_test_does_not_see_it():
    assert PROBE not in os.environ
    assert os.environ.get("BANSOS_DB") != "/nonexistent/left-behind.duckdb"
