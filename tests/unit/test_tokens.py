import re
import time
import zlib

import pytest
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


EPOCH_MS = 1_577_836_800_000  # 2020-01-01T00:00:00Z


def test_an_id_is_its_millisecond_since_2020_then_12_random_bits():
    ms = 1_700_000_000_000
    drawn = {tokens.new_authorization_id(ms) for _ in range(200)}
    assert all(i >> 12 == ms - EPOCH_MS for i in drawn) and len(drawn) > 100  # the low 12 bits are random
    later = {tokens.new_authorization_id(ms + 1) for _ in range(200)}
    assert max(drawn) < min(later)  # ids grow with creation time, whatever their random bits


def test_an_id_comes_from_the_clock_by_default():
    before = int(time.time() * 1000)
    drawn = tokens.new_authorization_id()
    after = int(time.time() * 1000)
    assert before - EPOCH_MS <= drawn >> 12 <= after - EPOCH_MS


def test_ids_stay_json_safe_until_the_last_millisecond_that_fits():
    last = EPOCH_MS + 2**41 - 1  # in 2089
    assert all(tokens.new_authorization_id(last) <= tokens.MAX_SAFE_INTEGER for _ in range(50))
    with pytest.raises(OverflowError):
        tokens.new_authorization_id(last + 1)


def test_checksum_known_answers_are_left_padded_to_six():
    # CRC32 values small enough to need padding: base62 of them is shorter than 6 characters.
    assert tokens.base62(0, 6) == "000000" and tokens.base62(61, 6) == "00000z" and tokens.base62(62, 6) == "000010"
    assert tokens.base62(0) == "0" and tokens.base62(3469960357) == "3mpbCX"
    with pytest.raises(ValueError):
        tokens.base62(-1)


def test_format_vector_with_a_padded_checksum():
    # A random part whose CRC32 (542728966) has five base62 digits: the checksum is "0" + those five.
    random_part = "AAAAAAAAAAAAAAAAAAAAAAAAAAAA00"
    assert zlib.crc32(random_part.encode()) == 542728966
    assert tokens.checksum(random_part) == "0ajEb0"
    assert tokens.has_valid_checksum("gho_" + random_part + "0ajEb0")
    assert not tokens.has_valid_checksum("gho_" + random_part + "ajEb00")  # padded on the wrong side
