"""The one atomic private write: 0600 files in 0700 folders, whatever was there before."""

from __future__ import annotations

import stat
from pathlib import Path

from sfpay.private_files import create_private_file, write_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secret_file_is_0600_in_a_new_0700_folder(tmp_path: Path) -> None:
    target = tmp_path / "state" / "local" / "stack.json"
    write_private(target, '{"key": "sk_test_x"}')
    assert target.read_text() == '{"key": "sk_test_x"}'
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700 and _mode(target.parent.parent) == 0o700


def test_a_leftover_world_readable_temp_file_does_not_leak_its_mode(tmp_path: Path) -> None:
    # The old copies created `<name>.tmp` with O_CREAT|O_TRUNC: an existing .tmp kept its mode.
    target = tmp_path / "orgsim-server.json"
    leftover = tmp_path / "orgsim-server.json.tmp"
    leftover.write_text("old")
    leftover.chmod(0o644)
    write_private(target, b"secret")
    assert _mode(target) == 0o600 and target.read_bytes() == b"secret"


def test_private_dir_tightens_an_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "local"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    write_private(folder / "server.key", "k", private_dir=True)
    assert _mode(folder) == 0o700


def test_create_private_file_makes_a_database_path_0600_before_sqlite_opens_it(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "new" / "db.sqlite3"
    create_private_file(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
    conn.close()
    assert modes == {"db.sqlite3": 0o600, "db.sqlite3-wal": 0o600, "db.sqlite3-shm": 0o600}
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

    loose = tmp_path / "loose.sqlite3"
    loose.write_bytes(b"")
    loose.chmod(0o644)
    create_private_file(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600
