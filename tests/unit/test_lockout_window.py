"""The failed-login limit's fixed windows (behaviour.md §3.2): every moment is in exactly one."""

from __future__ import annotations

from authorize.domain.lockout import COUNTER_GRACE_SECONDS, Window
from hypothesis import given
from hypothesis import strategies as st


def test_a_window_is_aligned_to_its_length():
    window = Window.containing(5 * 3600 + 17.9, 3600)
    assert window == Window(18000, 21600)
    assert window.counter_expires == 21600 + COUNTER_GRACE_SECONDS == 21660


@given(st.floats(min_value=0, max_value=4e9), st.sampled_from([1, 60, 300, 3600, 86400]))
def test_every_moment_is_in_the_one_window_of_its_period(now, seconds):
    window = Window.containing(now, seconds)
    assert window.start <= now < window.end and window.end - window.start == seconds
    assert window.start % seconds == 0
    assert Window.containing(window.start, seconds) == window == Window.containing(window.end - 0.5, seconds)
    assert Window.containing(window.end, seconds).start == window.end
