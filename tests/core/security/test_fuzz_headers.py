"""The header fuzz target (fuzz/fuzz_headers.py), driven by hypothesis for a fixed number of examples."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st


def _load_target() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "fuzz" / "fuzz_headers.py"
    spec = importlib.util.spec_from_file_location("fuzz_headers", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TARGET = _load_target()

# Bytes the decoder gives meaning to, so generated inputs reach past the first checks.
_INTERESTING = b"\x1e\r\n\x00\t ,:/.*-_aAzZ09\x7f\xff"
fuzz_inputs = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(list(_INTERESTING)), max_size=200).map(bytes),
    st.builds(
        lambda selector, fields: bytes([selector]) + b"\x1e".join(fields),
        st.integers(0, 255),
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        b"https://app.example.com",
                        b"https://a.example.org",
                        b"null",
                        b"X-Token, Content-Type",
                        b"true",
                    ]
                ),
                st.binary(max_size=40),
            ),
            max_size=6,
        ),
    ),
)


@pytest.mark.parametrize("seed", TARGET.SEEDS)
def test_fuzz_seed_holds(seed: bytes) -> None:
    TARGET.one_input(seed)


@given(data=fuzz_inputs)
def test_fuzz_target_invariants_hold(data: bytes) -> None:
    TARGET.one_input(data)


def test_fuzz_target_detects_an_injected_header() -> None:
    """The target is not vacuous: a middleware that echoes a raw header is caught."""
    with pytest.raises(AssertionError):
        TARGET._check_headers(
            [("Access-Control-Allow-Origin", "https://a.example\r\nSet-Cookie: x=1")],
            {"origin": "https://a.example\r\nSet-Cookie: x=1", "request_headers": ""},
            False,
        )
    with pytest.raises(AssertionError):
        TARGET._check_headers([("Access-Control-Allow-Origin", "*")], {"origin": "https://a.example"}, True)
