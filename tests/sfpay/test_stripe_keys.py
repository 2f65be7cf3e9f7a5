import pytest

from sfpay.stripe_keys import UnsafeStripeKey, redact, require_test_key


def test_test_key_accepted():
    assert require_test_key("sk_test_abc123") == "sk_test_abc123"


def test_live_key_refused_without_leaking_it():
    with pytest.raises(UnsafeStripeKey) as exc:
        require_test_key("sk_live_secretvalue")
    assert "live-mode" in str(exc.value)
    assert "secretvalue" not in str(exc.value)


def test_live_key_allowed_when_explicit():
    assert require_test_key("sk_live_x", allow_live=True) == "sk_live_x"


@pytest.mark.parametrize("key", [None, "", "pk_test_abc", "whsec_abc"])
def test_missing_or_wrong_kind_refused(key):
    with pytest.raises(UnsafeStripeKey):
        require_test_key(key)


def test_redact_keeps_only_mode_and_tail():
    assert redact("sk_test_51Habcdefgh1234") == "sk_test_...1234"
