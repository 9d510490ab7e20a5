import re
import zlib

from authorize.domain import tokens
from hypothesis import given
from hypothesis import strategies as st

SEED_TOKEN = "abcdefgh12345678"
SEED_HASH = "25f94a2a5c7fbaf499c665bc73d67c1c87e496da8985131633ee0a95819db2e8"


def test_seed_hash_vector():
    assert tokens.hash_token(SEED_TOKEN) == SEED_HASH
    assert SEED_TOKEN[-8:] == "12345678"


def test_format_vector_from_behaviour_reference():
    random_part = "0123456789abcdefghijABCDEFGHIJ"
    assert zlib.crc32(random_part.encode()) == 3469960357
    assert tokens.checksum(random_part) == "3mpbCX"
    token = "gho_" + random_part + "3mpbCX"
    assert tokens.has_valid_checksum(token)
    assert token[-8:] == "IJ3mpbCX"
    assert tokens.hash_token(token) == "dd8f863d3b2ef0405df4dbaedd81c685fba4006445ca3282252a3dc8fd9a6181"


def test_new_token_shape():
    for prefix in (tokens.APP_TOKEN_PREFIX, tokens.PERSONAL_TOKEN_PREFIX):
        token = tokens.new_token(prefix)
        assert len(token) == 40
        assert token.startswith(prefix)
        assert re.fullmatch(r"gh[op]_[A-Za-z0-9]{36}", token)
        assert tokens.has_valid_checksum(token)


def test_tampered_token_fails_checksum():
    token = tokens.new_token()
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert not tokens.has_valid_checksum(flipped)
    assert not tokens.has_valid_checksum(token[:-1])
    assert not tokens.has_valid_checksum("gho_" + "!" * 36)


@given(st.text(alphabet=tokens.BASE62, min_size=30, max_size=30))
def test_checksum_round_trips(random_part):
    token = "gho_" + random_part + tokens.checksum(random_part)
    assert tokens.has_valid_checksum(token)
    assert len(tokens.checksum(random_part)) == 6


@given(st.integers(min_value=0, max_value=2**64))
def test_base62_is_injective_and_ordered_by_width(n):
    encoded = tokens.base62(n)
    value = 0
    for ch in encoded:
        value = value * 62 + tokens.BASE62.index(ch)
    assert value == n


def test_ids_are_positive_json_safe_and_grow_with_time():
    a = tokens.new_authorization_id(1_700_000_000_000)
    b = tokens.new_authorization_id(1_700_000_000_001)
    assert 0 < a < b <= tokens.MAX_SAFE_INTEGER
    assert tokens.new_authorization_id(1_577_836_800_000 + 2**40) <= tokens.MAX_SAFE_INTEGER


def test_secret_matching_is_by_hash():
    stored = tokens.hash_secret("s3cret")
    assert tokens.secret_matches("s3cret", stored)
    assert not tokens.secret_matches("s3cret ", stored)
    assert len(tokens.new_client_id()) == 20
    assert len(tokens.new_client_secret()) == 40
