"""Every KIJI_COMMENTS_* and KIJI_IMAGES_* setting can be set from the environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from comments.conf import DEFAULTS
from config.env_settings import defaults, from_environment, markdown_table, parse

ROOT = Path(__file__).resolve().parents[2]


def run_settings(tmp_path: Path, code: str, **variables: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KIJI_COMMENTS_", "KIJI_IMAGES_"))
        and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        DATABASE_URL=f"postgresql://kiji@/kiji?host={tmp_path}/none",
        KIJI_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
        **variables,
    )
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_comment_and_image_setting_is_known():
    names = defaults()
    assert {f"KIJI_COMMENTS_{name}" for name in DEFAULTS} <= set(names)
    for image_setting in ("MAX_UPLOAD_SIZE", "MAX_PIXELS", "MAX_TOTAL_PIXELS", "MAX_FRAMES"):
        assert f"KIJI_IMAGES_{image_setting}" in names
    assert {"KIJI_IMAGES_WIDTHS", "KIJI_IMAGES_OGP_SIZE", "KIJI_IMAGES_WEBP_QUALITY"} <= set(names)


def test_values_are_typed_by_their_defaults():
    environ = {
        "KIJI_COMMENTS_REQUIRE_NAME_EMAIL": "yes",
        "KIJI_COMMENTS_TRIPCODES": "0",
        "KIJI_COMMENTS_MAX_LENGTH": " 3000 ",
        "KIJI_COMMENTS_DEFAULT_NAME": "名無しさん",
        "KIJI_IMAGES_WIDTHS": "480, 960",
        "KIJI_IMAGES_OGP_SIZE": "1200x628",
        "KIJI_IMAGES_MAX_UPLOAD_SIZE": "10_000_000",
        "KIJI_COMMENTS_MAX_DEPTH": "",  # empty: unset
        "UNRELATED": "x",
    }
    assert from_environment(environ) == {
        "KIJI_COMMENTS_REQUIRE_NAME_EMAIL": True,
        "KIJI_COMMENTS_TRIPCODES": False,
        "KIJI_COMMENTS_MAX_LENGTH": 3000,
        "KIJI_COMMENTS_DEFAULT_NAME": "名無しさん",
        "KIJI_IMAGES_WIDTHS": (480, 960),
        "KIJI_IMAGES_OGP_SIZE": (1200, 628),
        "KIJI_IMAGES_MAX_UPLOAD_SIZE": 10_000_000,
    }


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("KIJI_COMMENTS_REQUIRE_NAME_EMAIL", "maybe", "must be 1 or 0"),
        ("KIJI_COMMENTS_MAX_LENGTH", "5k", "must be a whole number"),
        ("KIJI_IMAGES_WIDTHS", "small,large", "comma-separated numbers"),
        ("KIJI_IMAGES_WIDTHS", "0,640", "comma-separated numbers"),
        ("KIJI_IMAGES_OGP_SIZE", "1200", "WIDTHxHEIGHT"),
    ],
)
def test_bad_values_name_the_variable(name, raw, message):
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        parse(name, raw, defaults()[name])
    assert name in str(error.value)


def test_a_misspelt_name_is_refused_with_a_suggestion():
    with pytest.raises(ImproperlyConfigured, match="Did you mean KIJI_COMMENTS_MAX_LENGTH"):
        from_environment({"KIJI_COMMENTS_MAX_LENGHT": "3000"})


def test_the_apps_see_the_environment(tmp_path):
    result = run_settings(
        tmp_path,
        "from comments.conf import comment_settings as c; from media import conf; "
        "print(c.REQUIRE_NAME_EMAIL, c.MAX_LENGTH, conf.widths(), conf.max_frames())",
        KIJI_COMMENTS_REQUIRE_NAME_EMAIL="1",
        KIJI_COMMENTS_MAX_LENGTH="3000",
        KIJI_IMAGES_WIDTHS="960,480",
        KIJI_IMAGES_MAX_FRAMES="50",
    )
    assert result.stdout.split() == ["True", "3000", "(480,", "960)", "50"], result.stderr


def test_a_bad_value_stops_the_start_with_its_name(tmp_path):
    result = run_settings(tmp_path, "print('started')", KIJI_COMMENTS_MAX_LENGTH="lots")
    assert result.returncode != 0 and "started" not in result.stdout
    assert "KIJI_COMMENTS_MAX_LENGTH must be a whole number, not 'lots'" in result.stderr


def test_the_readme_lists_every_setting_with_its_default():
    """Names and defaults, not the wording (which the apps' docs own)."""
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\| `((?:KIJI_COMMENTS|KIJI_IMAGES)_\w+)` \|", readme, re.M))
    hint = "README is stale: paste `.venv/bin/python -m config.env_settings` into it"
    assert listed == set(defaults()), hint
    for row in markdown_table().splitlines()[2:]:
        name_and_default = " | ".join(row.split(" | ")[:2])
        assert name_and_default in readme, f"{hint} ({name_and_default})"
