"""Two-factor codes (RFC 6238, behaviour.md §3.1) and how TOTP secrets are sealed."""

from __future__ import annotations

import time

import pyotp
import pytest
from authorize.domain import totp
from cryptography.exceptions import InvalidTag

from tests.support import SEALER

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STEP = 30


def step_middle() -> float:
    """The middle of the current 30 s step: codes a step or two away are then unambiguous."""
    return (time.time() // STEP) * STEP + STEP / 2


def code_at(offset_steps: int) -> str:
    return pyotp.TOTP(SECRET).at(step_middle() + offset_steps * STEP)


def test_the_current_code_and_its_neighbours_are_accepted():
    for offset in (-1, 0, 1):
        assert totp.verify(SECRET, code_at(offset)), offset


def test_codes_two_steps_away_are_refused():
    for offset in (-2, 2):
        code = code_at(offset)
        if code not in {code_at(-1), code_at(0), code_at(1)}:  # a 1-in-a-million repeat would be accepted
            assert not totp.verify(SECRET, code), offset


def test_surrounding_whitespace_is_ignored():
    assert totp.verify(SECRET, f" {code_at(0)}\t")


@pytest.mark.parametrize("code", [None, "", "      "])
def test_no_code_is_refused(code):
    assert not totp.verify(SECRET, code)


def test_only_six_ascii_digits_are_a_code():
    code = code_at(0)
    fullwidth = "".join(chr(ord(c) - ord("0") + 0xFF10) for c in code)  # FULLWIDTH DIGIT ZERO on
    arabic_indic = "".join(chr(ord(c) - ord("0") + 0x0660) for c in code)  # ARABIC-INDIC DIGIT ZERO on
    for wrong in (fullwidth, arabic_indic, code[:5], code + "0", "0" + code, code[:5] + "a"):
        assert not totp.verify(SECRET, wrong), wrong


def test_a_new_secret_is_base32_for_authenticator_apps():
    secret = totp.new_secret()
    assert len(secret) >= 16 and pyotp.TOTP(secret).verify(pyotp.TOTP(secret).now())
    assert totp.new_secret() != secret


def test_sealing_round_trips_per_user_and_never_holds_the_secret():
    sealed = SEALER.seal(SECRET, 7)
    assert sealed.startswith("v1:") and SECRET not in sealed
    assert SEALER.unseal(sealed, 7) == SECRET
    assert SEALER.seal(SECRET, 7) != sealed  # a fresh nonce every time


def test_a_sealed_secret_cannot_move_to_another_user():
    with pytest.raises(InvalidTag):
        SEALER.unseal(SEALER.seal(SECRET, 7), 8)


def test_a_seal_under_another_key_or_version_is_refused():
    other = totp.TotpSealer(lambda: b"o" * 32)
    with pytest.raises(InvalidTag):
        SEALER.unseal(other.seal(SECRET, 7), 7)
    with pytest.raises(ValueError):
        SEALER.unseal("v2:" + SEALER.seal(SECRET, 7)[3:], 7)
