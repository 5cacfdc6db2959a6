"""Shared fixtures: paths into ../shared (read at run time, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "article.txt"


def shared_file(relative: str) -> Path:
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"../shared/{relative} is not beside this checkout")
    return path
