"""Finding and loading the files of an SFDX source tree."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from sfmeta import metadata_types, sfdx_project
from sfmeta.metadata_types import MetadataKind
from sfmeta.record import Record
from validator.xmlio import MalformedXml, parse_file

# The same files Salesforce CLI ignores by default (its default .forceignore): tooling
# files that live next to components but are never deployed.
_IGNORED_NAMES = {"jsconfig.json", ".eslintrc.json", "package.json", "README.md"}
_IGNORED_FOLDERS = {"__tests__", "node_modules"}


class SourceTreeError(Exception):
    """The path given cannot be validated at all (missing, unreadable, bad sfdx-project.json)."""


class MetadataFile(Record):
    __slots__ = _fields = ("path", "display", "relative", "kind", "root", "parse_error")

    def __init__(
        self,
        path: Path,
        display: str,  # how findings name the file
        relative: PurePosixPath,  # inside its package directory
        kind: MetadataKind,
        root: object | None = None,  # lxml root element, when well-formed
        parse_error: MalformedXml | None = None,
    ) -> None:
        self.path, self.display, self.relative, self.kind = path, display, relative, kind
        self.root, self.parse_error = root, parse_error

    @property
    def name(self) -> str:
        return metadata_types.component_name(self.relative)


class UnresolvedFile(NamedTuple):
    display: str
    reason: str


class SourceTree(Record):
    __slots__ = _fields = ("base", "files", "unresolved", "content_files", "orphan_content", "missing_content")

    def __init__(
        self,
        base: Path,
        files: list[MetadataFile] | None = None,
        unresolved: list[UnresolvedFile] | None = None,
        content_files: dict[str, tuple[Path, str]] | None = None,  # meta display -> (content path, display)
        orphan_content: list[str] | None = None,  # content files without their -meta.xml
        missing_content: list[MetadataFile] | None = None,
    ) -> None:
        self.base = base
        self.files = [] if files is None else files
        self.unresolved = [] if unresolved is None else unresolved
        self.content_files = {} if content_files is None else content_files
        self.orphan_content = [] if orphan_content is None else orphan_content
        self.missing_content = [] if missing_content is None else missing_content

    def of_type(self, type_name: str) -> list[MetadataFile]:
        return [f for f in self.files if f.kind.type_name == type_name]


def package_directories(path: Path) -> list[Path]:
    """The package directories to validate: those of sfdx-project.json at `path`, else `path`."""
    if not path.exists():
        raise SourceTreeError(
            f"{path.resolve()}: no such file or directory (the SFDX folder, project or file to validate)"
        )
    if path.is_file():
        return [path]
    project_file = path / sfdx_project.FILE_NAME
    try:
        directories = sfdx_project.package_directories(path)
    except sfdx_project.SfdxProjectError as exc:
        if exc.too_deep:
            raise SourceTreeError(
                f"{project_file}: nested too deeply to be a project file (expected JSON with packageDirectories[].path)"
            ) from None
        raise SourceTreeError(
            f"{project_file}: cannot read packageDirectories[].path ({exc.cause.__class__.__name__}: {exc.cause})"
        ) from None
    if directories is None:
        return [path]
    root = path.resolve()
    for directory in directories:
        # Salesforce CLI resolves package directories relative to the project; one outside it
        # ("/etc", "../..") would make validate read files that are not the project's.
        if not _inside(directory.resolve(), root):
            raise SourceTreeError(
                f"{project_file}: package directory {directory} is outside the project "
                f"(expected a folder inside {root})"
            )
    for directory in directories:
        if not directory.is_dir():
            raise SourceTreeError(f"{project_file}: package directory {directory} does not exist")
    return directories


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _walk(directory: Path):
    for current, folders, names in os.walk(directory):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in _IGNORED_FOLDERS)
        for name in sorted(names):
            if name.startswith(".") or name in _IGNORED_NAMES:
                continue
            yield Path(current) / name


class ForceIgnore:
    """The project's .forceignore (gitignore-style patterns the Salesforce CLI skips).

    Supported: comments, blank lines, `*`/`**` globs, patterns with or without a slash
    (without one, they match a file or folder name at any depth). Negation (`!`) is not
    supported and such lines are ignored.
    """

    def __init__(self, root: Path | None, patterns: list[str]):
        self.root, self.patterns = root, patterns

    @classmethod
    def find(cls, start: Path) -> "ForceIgnore":
        for directory in (start.resolve(), *start.resolve().parents):
            candidate = directory / ".forceignore"
            if candidate.is_file():
                lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
                patterns = [line.strip() for line in lines if line.strip() and not line.strip().startswith(("#", "!"))]
                return cls(directory, patterns)
            if (directory / "sfdx-project.json").is_file():
                break
        return cls(None, [])

    def ignores(self, path: Path) -> bool:
        if not self.patterns:
            return False
        import fnmatch

        if self.root is None:
            return False
        try:
            relative = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return False
        parts = relative.split("/")
        for pattern in self.patterns:
            bare = pattern.strip("/")
            if "/" not in bare:
                if any(fnmatch.fnmatchcase(part, bare) for part in parts):
                    return True
            elif (
                fnmatch.fnmatchcase(relative, bare.removeprefix("**/"))
                or fnmatch.fnmatchcase(relative, bare)
                or any(fnmatch.fnmatchcase("/".join(parts[:i]), bare) for i in range(1, len(parts)))
            ):
                return True
        return False


def load(path: Path) -> SourceTree:
    """Discover every file under `path` (a package directory, a project root or one file)."""
    path = Path(path)
    tree = SourceTree(base=path)
    content_candidates: dict[Path, str] = {}
    meta_with_content: list[MetadataFile] = []
    directories = package_directories(path)
    forceignore = ForceIgnore.find(path if path.is_dir() else path.parent)
    boundary = path.resolve() if path.is_dir() else path.resolve().parent
    for directory in directories:
        files = [directory] if directory.is_file() else _walk(directory)
        for file_path in files:
            if forceignore.ignores(file_path):
                continue
            refusal = _refusal(file_path, boundary)
            if refusal:
                tree.unresolved.append(UnresolvedFile(_display(file_path), refusal))
                continue
            relative = PurePosixPath(
                file_path.relative_to(directory.parent if directory.is_file() else directory).as_posix()
            )
            display = _display(file_path)
            resolved = metadata_types.resolve(relative)
            if resolved.problem:
                tree.unresolved.append(UnresolvedFile(display, resolved.problem))
            elif resolved.is_metadata_xml and resolved.kind is not None:
                item = MetadataFile(file_path, display, relative, resolved.kind)
                try:
                    item.root = parse_file(file_path)
                except MalformedXml as exc:
                    item.parse_error = exc
                tree.files.append(item)
                if resolved.kind.content_suffix:
                    meta_with_content.append(item)
            elif resolved.kind is not None:
                content_candidates[file_path] = display
    for item in meta_with_content:
        content = item.path.with_name(item.path.name[: -len(metadata_types.META_SUFFIX)])
        if content in content_candidates:
            tree.content_files[item.display] = (content, content_candidates.pop(content))
        else:
            tree.missing_content.append(item)
    tree.orphan_content = sorted(content_candidates.values())
    return tree


def _refusal(path: Path, boundary: Path) -> str | None:
    """Why a file found in the tree is not read (None: it is read). Only regular files inside
    the validated folder are: a symlink to /dev/zero or out of the project, or a FIFO, is not."""
    import stat

    try:
        info = path.stat()
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file (a FIFO, device or socket is never metadata)"
    if path.is_symlink() and not _inside(path.resolve(), boundary):
        return f"it is a symlink to {path.resolve()}, outside the validated folder (expected a file inside it)"
    return None


def _display(path: Path) -> str:
    # Relative to the working directory when inside it (what CI annotations expect).
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return Path(relative).as_posix() if not relative.startswith("..") else path.resolve().as_posix()
