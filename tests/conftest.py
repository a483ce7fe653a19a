"""Shared fixtures. Qt runs offscreen: set before anything can import PySide6."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the developer's real keychain: tests that need a credential store install their own (test_credentials.py).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from collections.abc import Iterator
from pathlib import Path

import pytest

from steward.domain.credit_code import check_character
from steward.services import enterprises, templates
from steward.storage.profile import Profile
from tests.images import write_jpeg


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    """An empty profile with the bundled checklists installed."""
    with Profile(tmp_path / "profile") as p:
        templates.install_bundled(p)
        yield p


def make_code(seed: int) -> str:
    body = f"91331024MA{seed:07d}"
    return body + check_character(body)


@pytest.fixture
def enterprise(profile: Profile) -> dict:
    return enterprises.create(
        profile,
        name="仙居县源泉工艺品有限公司",
        credit_code=make_code(1),
        address="浙江省台州市仙居县安岭乡安创小微园区1号",
        industry="工艺品",
        legal_representative="王伟",
        template_code="craft",
    )


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return write_jpeg(tmp_path / "IMG_0001.jpg", (640, 480))
