"""The Open Cookie Database (jkwakman, Apache-2.0): load, validate, match names, update."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGED = Path(__file__).resolve().parents[2] / "data" / "open-cookie-database.csv"
PACKAGED_VERSION = "jkwakman/Open-Cookie-Database@0ee5a17 (2026-01-21)"
INSTANCE_NAME = "open-cookie-database.csv"
COLUMNS = (
    "ID",
    "Platform",
    "Category",
    "Cookie / Data Key name",
    "Domain",
    "Description",
    "Retention period",
    "Data Controller",
    "User Privacy & GDPR Rights Portals",
    "Wildcard match",
)
# The database's categories onto the site's purposes.
CATEGORIES = {
    "functional": "functional",
    "personalization": "functional",
    "analytics": "audience",
    "marketing": "advertising",
    "security": "necessary",
    "necessary": "necessary",
}
# Platforms that are social networks: their cookies belong to « partage ».
SOCIAL = {"facebook", "instagram", "linkedin", "x", "twitter", "pinterest", "tiktok", "youtube"}
MAX_BYTES = 20 * 1024 * 1024
_UNITS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7}
_UNITS.update(month=30, year=365)
_RETENTION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(second|minute|hour|day|week|month|year)", re.I)


class CookieDBError(ValueError):
    """The CSV is not the Open Cookie Database's format."""


@dataclass(frozen=True)
class Entry:
    """One row: a cookie or storage key name (or prefix) and what it is."""

    name: str
    wildcard: bool
    platform: str
    db_category: str
    category: str | None
    domain: str
    description: str
    retention: str
    retention_days: int | None
    controller: str
    privacy_url: str

    @property
    def pattern(self) -> str:
        """The name as Témoin declares it: a prefix row becomes `prefix*`."""
        return f"{self.name}*" if self.wildcard else self.name

    @property
    def is_tracker(self) -> bool:
        """Tell whether the database files it under tracking (analytics or marketing)."""
        return self.db_category.lower() in ("analytics", "marketing")


def retention_days(text: str) -> int | None:
    """Turn « 2 years », « 30 minutes », « session » into whole days (0 for a session)."""
    clean = text.strip().lower()
    if not clean:
        return None
    if "session" in clean:
        return 0
    found = _RETENTION.search(clean)
    if found is None:
        return None
    amount = float(found.group(1).replace(",", "."))
    return max(0, round(amount * _UNITS[found.group(2).lower()]))


def map_category(platform: str, category: str) -> str | None:
    """Return the site purpose of a row, or None when the database's category is unknown."""
    if platform.strip().lower() in SOCIAL:
        return "sharing"
    return CATEGORIES.get(category.strip().lower())


class CookieDB:
    """Rows indexed by exact name, and prefix rows longest first."""

    def __init__(self, entries: list[Entry], version: str) -> None:
        self.version = version
        self.count = len(entries)
        self.exact: dict[str, Entry] = {}
        prefixes: dict[str, Entry] = {}
        for entry in entries:
            table = prefixes if entry.wildcard else self.exact
            table.setdefault(entry.name, entry)
        self.prefixes = sorted(prefixes.values(), key=lambda e: -len(e.name))

    def match(self, name: str) -> Entry | None:
        """Return the row for a cookie or storage key name: exact first, then longest prefix."""
        entry = self.exact.get(name)
        if entry is not None:
            return entry
        for row in self.prefixes:
            if name.startswith(row.name):
                return row
        return None


def parse(text: str, version: str) -> CookieDB:
    """Read the CSV text; refuse wrong columns or an empty file."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip().lstrip("\ufeff") for h in header) != COLUMNS:
        raise CookieDBError(
            "not the Open Cookie Database's CSV: the columns must be " + ", ".join(COLUMNS)
        )
    entries = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise CookieDBError(f"line {number}: {len(row)} columns, {len(COLUMNS)} expected")
        cells = dict(zip(COLUMNS, (c.strip() for c in row), strict=True))
        name = cells["Cookie / Data Key name"]
        if not name:
            raise CookieDBError(f"line {number}: no cookie name")
        if cells["Wildcard match"] not in ("0", "1", ""):
            raise CookieDBError(f"line {number}: Wildcard match is 0 or 1")
        entries.append(
            Entry(
                name=name,
                wildcard=cells["Wildcard match"] == "1",
                platform=cells["Platform"],
                db_category=cells["Category"],
                category=map_category(cells["Platform"], cells["Category"]),
                domain=cells["Domain"],
                description=cells["Description"],
                retention=cells["Retention period"],
                retention_days=retention_days(cells["Retention period"]),
                controller=cells["Data Controller"],
                privacy_url=cells["User Privacy & GDPR Rights Portals"],
            )
        )
    if not entries:
        raise CookieDBError("the CSV has no rows")
    return CookieDB(entries, version)


def _read(path: Path) -> str:
    if path.stat().st_size > MAX_BYTES:
        raise CookieDBError(f"{path} is over {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CookieDBError(f"{path} is not UTF-8 text") from exc


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float, version: str) -> CookieDB:
    return parse(_read(Path(path)), version)


def load(instance_path: str | None = None) -> CookieDB:
    """Return the database in use: the instance folder's copy when updated, else the shipped one."""
    if instance_path:
        local = Path(instance_path) / INSTANCE_NAME
        if local.exists():
            meta = Path(instance_path) / (INSTANCE_NAME + ".json")
            version = "updated copy"
            if meta.exists():
                version = json.loads(meta.read_text()).get("version", version)
            return _load_cached(str(local), local.stat().st_mtime, version)
    return _load_cached(str(PACKAGED), PACKAGED.stat().st_mtime, PACKAGED_VERSION)


def update(source: Path, instance_path: str) -> CookieDB:
    """Validate a newer CSV and make it the instance's database (nothing written if invalid)."""
    text = _read(source)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    version = f"{source.name} sha256:{digest[:12]}"
    db = parse(text, version)
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, folder / INSTANCE_NAME)
    (folder / (INSTANCE_NAME + ".json")).write_text(
        json.dumps({"version": version, "rows": db.count})
    )
    return db
