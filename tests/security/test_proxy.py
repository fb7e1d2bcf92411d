"""Behind a proxy: each visitor has its own rate limit; a client cannot choose its address."""

from __future__ import annotations

import pytest

from tests.conftest import make_test_app

pytestmark = pytest.mark.thorough  # each test makes many sign-ins, each a real password check

PROXY = "10.0.0.2"


def _sign_in(client, email: str, *, forwarded_for: str | None = None, address: str = PROXY):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/sign-in",
        data={"email": email, "password": "wrong"},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def _codes(client, count: int, **kwargs) -> list[int]:
    return [_sign_in(client, f"p{n}@example.org", **kwargs).status_code for n in range(count)]


def test_behind_one_trusted_proxy_each_visitor_has_its_own_limit(tmp_path):
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    client = app.test_client()
    # Sign-in allows ten a minute from one address.
    assert _codes(client, 11, forwarded_for="203.0.113.5") == [400] * 10 + [429]
    # Another visitor through the same proxy is not held back by the first one's tries.
    assert _codes(client, 1, forwarded_for="198.51.100.7") == [400]


def test_a_forged_forwarded_address_does_not_escape_the_limit(tmp_path):
    """The proxy appends the real address; what the client wrote before it is not trusted."""
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    client = app.test_client()
    codes = [
        _sign_in(client, f"p{n}@example.org", forwarded_for=f"192.0.2.{n}, 203.0.113.5").status_code
        for n in range(11)
    ]
    assert codes == [400] * 10 + [429]


def test_without_a_trusted_proxy_the_header_is_ignored(tmp_path):
    """A client talking to the site directly cannot pick a new address for each try."""
    app = make_test_app(tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [
        _sign_in(
            client, f"p{n}@example.org", forwarded_for=f"192.0.2.{n}", address="203.0.113.9"
        ).status_code
        for n in range(11)
    ]
    assert codes == [400] * 10 + [429]
