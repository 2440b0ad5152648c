"""Helpers the test modules share (tests/ is on sys.path, so `from helpers import shared_data`).

A package rather than conftest.py: module-level constants and parametrize
lists of the test files need these at import time, and importing conftest by
name is fragile under pytest's import modes.
"""

import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Real data for tests: ../shared/data beside the project, or wherever GANZOO_TEST_DATA points.
# Never bundled with the project, so a checkout without it must skip, not fail.
DATA = os.environ.get("GANZOO_TEST_DATA", os.path.join(ROOT, "..", "shared", "data"))


def data_path(*parts):
    """Where `DATA/<parts>` would be; no check (for module-level constants, which must not skip a whole file)."""
    return os.path.join(DATA, *parts)


def shared_data(*parts):
    """`DATA/<parts>`, or skips the calling test (or fixture) when it is absent."""
    __tracebackhide__ = True  # pytest then reports the skip at the caller's line, not here
    path = data_path(*parts)
    if not os.path.exists(path):
        pytest.skip(f"shared test data {path} absent: set GANZOO_TEST_DATA or place ../shared/data beside the project")
    return path
