import subprocess
import sys


def test_package_exports_resolve_on_first_use_only():
    code = (
        "import sys, orgsim, stripesim\n"
        "before = {'orgsim.org' in sys.modules, 'stripesim.http.app' in sys.modules}\n"
        "assert orgsim.Org.__name__ == 'Org' and callable(stripesim.create_app)\n"
        "after = {'orgsim.org' in sys.modules, 'stripesim.http.app' in sys.modules}\n"
        "print(before, after)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "{False} {True}", result.stderr


def test_unknown_attribute_is_an_attribute_error():
    import orgsim

    try:
        orgsim.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")
