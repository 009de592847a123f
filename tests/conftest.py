"""Suite-wide set-up: the tests never write into the user's home.

The critic's corpus cache defaults to ``~/.cache/counterpoint`` (``COUNTERPOINT_CACHE``), and the feedback
store to ``~/.local/share/counterpoint`` (``COUNTERPOINT_DATA``); every test run gets its own of each instead.
"""

from __future__ import annotations

import os

import pytest

PRIVATE = {"COUNTERPOINT_CACHE": "corpus-cache", "COUNTERPOINT_DATA": "data"}


@pytest.fixture(scope="session", autouse=True)
def _private_dirs(tmp_path_factory):
    old = {name: os.environ.get(name) for name in PRIVATE}
    for name, folder in PRIVATE.items():
        os.environ[name] = str(tmp_path_factory.mktemp(folder))
    yield
    for name, value in old.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
