"""Structured logging with a request id."""

from __future__ import annotations

import logging

import pytest

from config.logging import KeyValueFormatter, RequestIdFilter, request_id


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.django_db
def test_a_load_balancer_request_id_is_kept_and_garbage_is_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected=1')["X-Request-ID"]
    assert forged != 'x" injected=1' and len(forged) == 32


def test_log_lines_are_key_value_with_the_request_id():
    record = logging.LogRecord(
        "kiji.test", logging.ERROR, __file__, 1, 'bad "input"\nsecond', None, None
    )
    token = request_id.set("abc12345")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = KeyValueFormatter().format(record)
    assert "level=ERROR" in line
    assert "logger=kiji.test" in line
    assert "request_id=abc12345" in line
    assert 'msg="bad \\"input\\"\\nsecond"' in line
    assert "\n" not in line
