"""Property-based checks of what the download server parses from strangers (issue 20).

The Range, media-type, entity-tag and Content-Disposition helpers, stored key hashes, HS256 and
OIDC tokens (against a loopback JWKS server) and the "is this URL under the station root" test
take any text an attacker can send and must answer without raising anything but their
documented errors. The budget is small and fixed
(150 examples per property, derandomised by the ``ci`` profile); for a longer, random run::

    RS_STAC_FUZZ_EXAMPLES=20000 HYPOTHESIS_PROFILE=dev pytest tests/test_server_fuzz.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hostile_support import AUDIENCE, JwksServer, jwks_server
from rs_stac_ext.server.backends._urls import normalised_under
from rs_stac_ext.server.headers import (
    ByteRange,
    Unsatisfiable,
    content_disposition,
    etag_matches,
    parse_range,
    safe_media_type,
)
from rs_stac_ext.server.keys import KeyHash, KeyHashError
from rs_stac_ext.server.oidc import OidcVerifier, ProviderUnavailableError
from rs_stac_ext.server.tokens import TokenError, verify_token
from rs_stac_ext.stations.mapping import MappingContext, map_record
from rs_stac_ext.stations.registry import Station
from rs_stac_ext.stations.simulator import DATA_DIR

FUZZ = settings(
    max_examples=int(os.environ.get("RS_STAC_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SECRET = b"k" * 32
ROOT = "https://station.example:8443/prip/s1a/odata/v1"

digits = st.text("0123456789", min_size=1, max_size=40) | st.integers(0, 10**30).map(str)
range_values = (
    st.builds(lambda a, b: f"bytes={a}-{b}", digits, digits | st.just(""))
    | st.builds(lambda s: f"bytes=-{s}", digits)
    | st.text(max_size=60)
)


@FUZZ
@given(range_values, st.integers(0, 2**40))
@example("bytes=" + "9" * 4400 + "-", 10)
@example("bytes=0-" + "9" * 4400, 10)
def test_parse_range_never_raises_and_stays_inside_the_data(value: str, size: int) -> None:
    wanted = parse_range(value, size)
    assert wanted is None or isinstance(wanted, (ByteRange, Unsatisfiable))
    if isinstance(wanted, ByteRange):
        assert 0 <= wanted.start <= wanted.end < size
        assert wanted.content_range(size).isascii()


@FUZZ
@given(st.text(max_size=80) | st.from_regex(r"[a-z]+/[a-z+.-]+(;[a-z]+=\"?[^\"]*\"?)?"))
@example("text/plain\n")
@example('text/plain; charset="utf-8\r\nx-evil: 1"')
def test_safe_media_type_is_always_a_clean_header_value(value: str) -> None:
    result = safe_media_type(value)
    assert result == value or result == "application/octet-stream"
    result.encode("latin-1")
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in result)


@FUZZ
@given(st.text(max_size=80))
def test_content_disposition_is_always_a_clean_header_value(name: str) -> None:
    value = content_disposition(name)
    assert value.isascii()
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)


@FUZZ
@given(st.text(max_size=80) | st.none(), st.text(max_size=20))
def test_etag_matches_never_raises(header: str | None, etag: str) -> None:
    assert etag_matches(header, f'"{etag}"') in (True, False)


@FUZZ
@given(
    st.text(max_size=120)
    | st.lists(st.text(max_size=20) | digits, min_size=6, max_size=7).map("$".join)
    | st.lists(digits, min_size=3, max_size=3).map(lambda p: "scrypt$" + "$".join(p) + "$AAAA$AAAA")
)
def test_stored_key_hashes_parse_or_say_why(text: str) -> None:
    try:
        KeyHash.parse(text)
    except KeyHashError as exc:
        message = str(exc)
        assert message


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=10)
)
claim_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["sub", "exp", "nbf", "iat", "iss", "aud", "roles", "x"]),
        claim_values,
        max_size=8,
    ),
    st.sampled_from(["", "1" + "0" * 400, "1e400", "-1e400", "9" * 5000]),
)
@example({"sub": "alice"}, "1" + "0" * 400)
def test_hs256_tokens_are_accepted_or_refused_never_crash(
    payload: dict[str, Any], raw_exp: str
) -> None:
    text = json.dumps(payload)
    if raw_exp:
        text = text[:-1] + (", " if payload else "") + f'"exp": {raw_exp}}}'
    token = _sign(text)
    try:
        claims = verify_token(token, SECRET, issuer=None, audience=None)
    except TokenError as exc:
        message = str(exc)
        assert message
    else:
        assert claims.subject.strip()


@FUZZ
@given(st.text(max_size=200))
def test_arbitrary_bearer_text_is_refused_with_a_token_error(token: str) -> None:
    with pytest.raises(TokenError):
        verify_token(token, SECRET)


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _sign(payload_text: str) -> str:
    b64 = _b64
    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + b"." + b64(payload_text.encode())
    return (
        signing_input + b"." + b64(hmac.new(SECRET, signing_input, hashlib.sha256).digest())
    ).decode()


def test_signing_helper_matches_pyjwt() -> None:
    text = '{"sub":"a","exp":4102444800}'
    assert jwt.decode(_sign(text), SECRET, algorithms=["HS256"])["sub"] == "a"


path_pieces = st.lists(
    st.sampled_from(
        ["..", ".", "%2e%2e", "%2E.", "a", "Products('x')", "$value", "", "%2f", "?q", "#f"]
    ),
    max_size=8,
)


@FUZZ
@given(path_pieces)
@example(["Products('x", "..", "..", "..", "..", "admin?token=1#frag')", "$value"])
def test_urls_accepted_under_the_root_stay_under_it(pieces: list[str]) -> None:
    href = ROOT + "/" + "/".join(pieces)
    url = normalised_under(href, ROOT)
    if url is not None:
        parts = urlsplit(url)
        assert parts.path.startswith("/prip/s1a/odata/v1/")
        assert "/../" not in parts.path + "/"
        assert "/./" not in parts.path + "/"
        assert not any(
            segment.lower() in ("%2e%2e", "%2e.", ".%2e") for segment in parts.path.split("/")
        )
        assert url.startswith("https://station.example:8443/")


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        (ROOT + "/Products(1)/$value", ROOT + "/Products(1)/$value"),
        (
            "HTTPS://STATION.EXAMPLE:8443/prip/s1a/odata/v1/x",
            "https://STATION.EXAMPLE:8443/prip/s1a/odata/v1/x",
        ),
        ("https://station.example:8443/PRIP/s1a/odata/v1/x", None),
        (
            "https://STATION.example:8443/prip/s1a/odata/v1/x",
            ROOT.replace("station", "STATION") + "/x",
        ),
        (ROOT + "/a/../b", ROOT + "/b"),
        (ROOT + "/../v2/x", None),
        (ROOT + "/%2E%2e/v2/x", None),
        (ROOT, None),
        (ROOT + "/", None),
        ("https://user:pw@station.example:8443/prip/s1a/odata/v1/x", None),
        ("https://station.example/prip/s1a/odata/v1/x", None),
        ("http://station.example:8443/prip/s1a/odata/v1/x", None),
        (ROOT + "/x\\..\\..\\y", None),
        (ROOT + "/x#frag", ROOT + "/x"),
        (ROOT + "/x?a=1", ROOT + "/x?a=1"),
        ("https://station.example:99999/prip/s1a/odata/v1/x", None),
    ],
)
def test_normalised_under(href: str, expected: str | None) -> None:
    assert normalised_under(href, ROOT) == expected


@pytest.mark.parametrize(
    "hostile_id",
    ["x/../../../../admin?token=1#frag", "a%2e%2e b", "dd786cf9-9d46-4dfb-975d-04de050ee415\n"],
)
def test_a_product_id_that_is_not_a_guid_is_percent_encoded(hostile_id: str) -> None:
    record = dict(json.loads((DATA_DIR / "prip" / "s1a.json").read_text("utf-8"))["Products"][0])
    record["Id"] = hostile_id
    station = Station("prip", "s1a", ROOT)
    item = map_record("prip", record, context=MappingContext(station=station)).item
    (asset,) = item["assets"].values()
    href = asset["href"]
    assert href.startswith(ROOT + "/Products('")
    assert href.endswith("')/$value")
    assert normalised_under(href, ROOT) == href
    assert not any(c in href[len(ROOT) :] for c in "?#\n ")
    assert href.count("/") == ROOT.count("/") + 2


@pytest.fixture(scope="module")
def provider() -> Iterator[JwksServer]:
    with jwks_server() as server:
        yield server


@pytest.fixture(scope="module")
def verifier(provider: JwksServer) -> Iterator[OidcVerifier]:
    checker = OidcVerifier(
        provider.issuer, audience=AUDIENCE, jwks_url=provider.url, jwks_min_refetch_seconds=3600
    )
    yield checker
    checker.close()


header_values = claim_values | st.sampled_from(["RS256", "ES256", "HS256", "none", "k1", "k2"])


@FUZZ
@given(
    st.dictionaries(st.sampled_from(["alg", "kid", "crit", "typ", "jku"]), header_values),
    st.dictionaries(
        st.sampled_from(["iss", "aud", "azp", "exp", "nbf", "iat", "preferred_username", "x"]),
        claim_values | st.just("rs-stac"),
    ),
)
@example({"alg": "RS256", "kid": "k1"}, {"exp": 10**400, "preferred_username": "alice"})
@example({"alg": "RS256", "kid": "k1", "crit": ["exp"]}, {})
def test_oidc_tokens_are_accepted_or_refused_never_crash(
    provider: JwksServer, verifier: OidcVerifier, header: dict[str, Any], payload: dict[str, Any]
) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    payload = {**payload, "iss": payload.get("iss", provider.issuer), "aud": AUDIENCE}
    signing_input = _b64(json.dumps(header).encode()) + b"." + _b64(json.dumps(payload).encode())
    signature = provider.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    token = (signing_input + b"." + _b64(signature)).decode()
    try:
        claims = verifier.verify(token)
    except (TokenError, ProviderUnavailableError) as exc:
        message = str(exc)
        assert message
    else:
        assert claims.username.strip()
