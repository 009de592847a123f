"""Suite-wide set-up: the tests never write into the user's home.

The critic's corpus cache defaults to ``~/.cache/counterpoint``, and the feedback store to
``~/.local/share/counterpoint``; every test run gets its own of each instead.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_corpus_cache(tmp_path_factory):
    old = os.environ.get("COUNTERPOINT_CACHE")
    os.environ["COUNTERPOINT_CACHE"] = str(tmp_path_factory.mktemp("corpus-cache"))
    yield
    if old is None:
        os.environ.pop("COUNTERPOINT_CACHE", None)
    else:
        os.environ["COUNTERPOINT_CACHE"] = old


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory):
    old = os.environ.get("COUNTERPOINT_DATA")
    os.environ["COUNTERPOINT_DATA"] = str(tmp_path_factory.mktemp("data"))
    yield
    if old is None:
        os.environ.pop("COUNTERPOINT_DATA", None)
    else:
        os.environ["COUNTERPOINT_DATA"] = old
