"""Fire-point feeds, parsed and checked as a whole (pure: bytes in, rows or refusals out).

- NASA FIRMS VIIRS 375 m and MODIS 1 km CSV, with exactly the columns of FIRMS' area API
  and archive downloads (extra columns such as ``type`` are ignored). ``acq_date`` and
  ``acq_time`` (HHMM) are UTC; the Beijing day of a detection can be the next calendar day.
- The provincial bulletin (设区市, 县(市、区), 乡镇, 中心经度, 中心纬度 in degrees-minutes-
  seconds such as ``116°14'37.289"E``, 卫星过境日期), from CSV (UTF-8 or GB 18030) or Excel.
  It gives a pass date, not a time: the point is stamped at noon Beijing time of that day
  and marked as having no time of day.

Every row is checked; a file with any bad row is refused with all the bad rows' numbers
(the header is row 1, as a spreadsheet shows it), so nothing is half-imported."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext_lazy as _

BEIJING = ZoneInfo("Asia/Shanghai")
_OUTSIDE = _("%(name)s %(text)s is outside ±%(limit)s°")

VIIRS_COLUMNS = [
    "latitude",
    "longitude",
    "bright_ti4",
    "scan",
    "track",
    "acq_date",
    "acq_time",
    "satellite",
    "instrument",
    "confidence",
    "version",
    "bright_ti5",
    "frp",
    "daynight",
]
MODIS_COLUMNS = [
    "latitude",
    "longitude",
    "brightness",
    "scan",
    "track",
    "acq_date",
    "acq_time",
    "satellite",
    "instrument",
    "confidence",
    "version",
    "bright_t31",
    "frp",
    "daynight",
]
# the bulletin's columns, after full-width brackets are made half-width and spaces dropped
BULLETIN_COLUMNS = {
    "city": ("设区市", "市", "市(州)"),
    "county": ("县(市、区)", "县(市,区)", "县", "县(市区)"),
    "township": ("乡镇", "乡(镇)", "乡镇(街道)"),
    "lon": ("中心经度", "经度"),
    "lat": ("中心纬度", "纬度"),
    "date": ("卫星过境日期", "过境日期", "日期"),
}
VIIRS_CONFIDENCE = {"l": "low", "n": "nominal", "h": "high", "low": "low", "nominal": "nominal"}
VIIRS_CONFIDENCE["high"] = "high"
# MODIS confidence is 0–100 %; the classes below are the ones usually quoted for FIRMS
# (NOT CONFIRMED by NASA's pages, see docs/burning.md) and only drive the map's filter
MODIS_LOW_BELOW, MODIS_HIGH_FROM = 30, 80
CONFIDENCE_ORDER = {"": 0, "low": 1, "nominal": 2, "high": 3}


@dataclass
class FireRow:
    """One detection read from a feed, before it is placed."""

    row: int
    source: str  # viirs | modis | bulletin
    latitude: float
    longitude: float
    acquired_at: datetime  # aware, UTC
    time_known: bool
    satellite: str = ""
    instrument: str = ""
    version: str = ""
    confidence: str = ""
    confidence_level: str = ""
    brightness: float | None = None
    brightness_2: float | None = None
    frp: float | None = None
    scan: float | None = None
    track: float | None = None
    daynight: str = ""
    city: str = ""
    county: str = ""
    township: str = ""

    @cached_property
    def day(self) -> date:
        """The Beijing calendar day of the detection."""
        return _beijing_day(self.acquired_at)

    @cached_property
    def key(self) -> str:
        """The same detection always has the same key: re-importing a file adds nothing."""
        stamp = _utc_stamp(self.acquired_at)
        raw = f"{self.source}|{self.satellite}|{self.latitude:.5f}|{self.longitude:.5f}|{stamp}"
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def place(self) -> str:
        if not (self.city or self.county or self.township):
            return ""  # a satellite row
        return " ".join(p for p in (self.city, self.county, self.township) if p)


# a file of 100,000 detections holds a few thousand distinct moments: convert each once
@lru_cache(maxsize=65536)
def _beijing_day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


@lru_cache(maxsize=65536)
def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass
class Parsed:
    source: str
    rows: list[FireRow]
    errors: list[tuple[int, Any]]  # (row number, its refusal: Explained or text)


class Explained(ValueError):
    """A refusal of a cell, a row or a file whose text is rendered in the reader's language
    when it is shown (a page in Chinese, a problem body in both): a gettext_lazy message
    and its values."""

    def __init__(self, message, **params):
        self.message, self.params = message, params
        super().__init__(message)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def render(self, language: str) -> str:
        with translation.override(language):
            return str(self)


class Several(Explained):
    """Every refusal of one row or feature, each rendered in the reader's language, joined."""

    def __init__(self, parts: Sequence[Explained]):
        self.parts = list(parts)
        ValueError.__init__(self, *self.parts)
        self.message, self.params = "", {}

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.parts)


class FeedError(Explained):
    """The file as a whole cannot be read (not a known format)."""


def text_in(message: Any, language: str) -> str:
    """A row's refusal (``Explained`` or plain text) in ``language``."""
    return message.render(language) if isinstance(message, Explained) else str(message)


# --- cells ---------------------------------------------------------------------------------


def decode_csv(data: bytes) -> list[list[str]]:
    """CSV rows; UTF-8 (with or without BOM), else GB 18030 (government spreadsheets)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FeedError(_("the file is neither UTF-8 nor GB 18030 text"))
    return [row for row in csv.reader(io.StringIO(text))]


def _text(value: Any) -> str:
    if value.__class__ is str:  # the common case (every CSV cell): no further checks
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _float(value: Any, name: str, *, low: float | None = None, high: float | None = None):
    text = _text(value)
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        raise Explained(
            _("%(name)s “%(text)s” is not a number"), name=name, text=text[:20]
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise Explained(_("%(name)s is not a finite number"), name=name)
    if (low is not None and number < low) or (high is not None and number > high):
        raise Explained(
            _("%(name)s %(text)s is outside %(low)s…%(high)s"),
            name=name,
            text=text[:20],
            low=low,
            high=high,
        )
    return number


def _required_float(value: Any, name: str, low: float, high: float) -> float:
    number = _float(value, name, low=low, high=high)
    if number is None:
        raise Explained(_("%(name)s is empty"), name=name)
    return number


def utc_moment(acq_date: Any, acq_time: Any) -> datetime:
    """FIRMS' ``acq_date`` (YYYY-MM-DD) and ``acq_time`` (HHMM, leading zeros may be
    dropped: ``5`` is 00:05) → an aware UTC datetime."""
    if isinstance(acq_date, str) and isinstance(acq_time, str):
        return _utc_moment_text(acq_date, acq_time)  # a file repeats a few hundred moments
    return _utc_moment(acq_date, acq_time)


@lru_cache(maxsize=65536)
def _utc_moment_text(acq_date: str, acq_time: str) -> datetime:
    return _utc_moment(acq_date, acq_time)


def _utc_moment(acq_date: Any, acq_time: Any) -> datetime:
    day = _date(acq_date, "acq_date")
    raw = _text(acq_time)
    if ":" in raw:  # some exports write 05:42
        raw = raw.replace(":", "")
    if not raw.isdigit() or len(raw) > 4:
        raise Explained(_("acq_time “%(text)s” is not HHMM"), text=raw[:10])
    raw = raw.zfill(4)
    hour, minute = int(raw[:2]), int(raw[2:])
    if hour > 23 or minute > 59:
        raise Explained(_("acq_time %(text)s is not a time of day"), text=raw)
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


def _date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if match:
        text = "-".join(match.groups())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Explained(_("%(name)s “%(text)s” is not a date (YYYY-MM-DD)"), name=name, text=text[:20])


_DMS = re.compile(
    r"""^\s*(?P<hemi1>[NSEW北南东西])?\s*
    (?P<deg>\d{1,3}(?:\.\d+)?)\s*[°º度]\s*
    (?:(?P<min>\d{1,2}(?:\.\d+)?)\s*['′’分]\s*)?
    (?:(?P<sec>\d{1,2}(?:\.\d+)?)\s*(?:"|″|”|''|′′|秒)\s*)?
    (?P<hemi2>[NSEW北南东西])?\s*$""",
    re.VERBOSE,
)
_HEMISPHERES = {"N": 1, "北": 1, "S": -1, "南": -1, "E": 1, "东": 1, "W": -1, "西": -1}
_AXIS = {"N": "lat", "北": "lat", "S": "lat", "南": "lat"}


def parse_dms(value: Any, axis: str) -> float:
    """Degrees-minutes-seconds (``116°14'37.289"E``, ``43°50′12″N``, ``东经116度14分37秒``
    without the prefix) or decimal degrees → decimal degrees; ``axis`` is "lon" or "lat"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(float(value))
    else:
        text = _text(value).replace("东经", "E").replace("北纬", "N")
        text = text.replace("西经", "W").replace("南纬", "S")
    limit = 180.0 if axis == "lon" else 90.0
    name = "longitude" if axis == "lon" else "latitude"
    said = {"name": name, "text": text[:24]}
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        if not -limit <= number <= limit:
            raise Explained(_OUTSIDE, name=name, text=text[:24], limit=f"{limit:g}")
        return number
    match = _DMS.match(text)
    if not match:
        raise Explained(_("%(name)s “%(text)s” is not degrees-minutes-seconds"), **said)
    hemi = match["hemi1"] or match["hemi2"]
    if match["hemi1"] and match["hemi2"]:
        raise Explained(_("%(name)s “%(text)s” names its hemisphere twice"), **said)
    if hemi and _AXIS.get(hemi, "lon") != axis:
        raise Explained(_("%(name)s “%(text)s” has the hemisphere of the other axis"), **said)
    degrees = float(match["deg"])
    minutes = float(match["min"] or 0)
    seconds = float(match["sec"] or 0)
    if minutes >= 60 or seconds >= 60:
        raise Explained(_("%(name)s “%(text)s” has minutes or seconds of 60 or more"), **said)
    if (match["min"] or match["sec"]) and not degrees.is_integer():
        raise Explained(_("%(name)s “%(text)s” mixes decimal degrees with minutes"), **said)
    result = (degrees + minutes / 60 + seconds / 3600) * _HEMISPHERES.get(hemi or "", 1)
    if not -limit <= result <= limit:
        raise Explained(_OUTSIDE, **said, limit=f"{limit:g}")
    return result


# --- formats -------------------------------------------------------------------------------


def normalise_header(cell: Any) -> str:
    text = _text(cell).replace("（", "(").replace("）", ")").replace("，", ",")
    return re.sub(r"\s+", "", text)


def detect(header: Sequence[Any]) -> str:
    """The feed a header row belongs to: viirs, modis or bulletin; FeedError otherwise."""
    names = {normalise_header(c).lower() for c in header}
    if set(VIIRS_COLUMNS) <= names:
        return "viirs"
    if set(MODIS_COLUMNS) <= names:
        return "modis"
    found = {k for k, options in BULLETIN_COLUMNS.items() if names & set(options)}
    if {"county", "township", "lon", "lat", "date"} <= found:
        return "bulletin"
    if names & {"bright_ti4", "brightness", "acq_date"}:
        missing = [c for c in VIIRS_COLUMNS if c not in names]
        if "brightness" in names:
            missing = [c for c in MODIS_COLUMNS if c not in names]
        raise FeedError(_("FIRMS columns missing: %(columns)s"), columns=", ".join(missing))
    raise FeedError(
        _(
            "not a FIRMS VIIRS or MODIS CSV, nor a bulletin with 县(市、区), 乡镇, 中心经度, "
            "中心纬度 and 卫星过境日期"
        )
    )


def _firms_row(source: str, number: int, cells: dict[str, Any]) -> FireRow:
    lat = _required_float(cells["latitude"], "latitude", -90, 90)
    lon = _required_float(cells["longitude"], "longitude", -180, 180)
    moment = utc_moment(cells["acq_date"], cells["acq_time"])
    instrument = _text(cells["instrument"]).upper()
    expected = "VIIRS" if source == "viirs" else "MODIS"
    if instrument != expected:
        raise Explained(
            _("instrument “%(text)s” in a %(expected)s file"),
            text=instrument[:10],
            expected=expected,
        )
    satellite = _text(cells["satellite"])
    if not satellite or len(satellite) > 30:
        raise Explained(_("satellite is empty or too long"))
    raw_conf = _text(cells["confidence"])
    if source == "viirs":
        level = VIIRS_CONFIDENCE.get(raw_conf.lower())
        if level is None:
            raise Explained(_("confidence “%(text)s” is not l, n or h"), text=raw_conf[:10])
    else:
        if not raw_conf.isdigit() or int(raw_conf) > 100:
            raise Explained(_("confidence “%(text)s” is not 0–100"), text=raw_conf[:10])
        value = int(raw_conf)
        level = (
            "low" if value < MODIS_LOW_BELOW else "high" if value >= MODIS_HIGH_FROM else "nominal"
        )
    daynight = _text(cells["daynight"]).upper()
    if daynight not in ("", "D", "N"):
        raise Explained(_("daynight “%(text)s” is not D or N"), text=daynight[:5])
    first, second = (
        ("bright_ti4", "bright_ti5") if source == "viirs" else ("brightness", "bright_t31")
    )
    return FireRow(
        row=number,
        source=source,
        latitude=lat,
        longitude=lon,
        acquired_at=moment,
        time_known=True,
        satellite=satellite,
        instrument=instrument,
        version=_text(cells["version"])[:20],
        confidence=raw_conf,
        confidence_level=level,
        brightness=_float(cells[first], first, low=0, high=2000),
        brightness_2=_float(cells[second], second, low=0, high=2000),
        frp=_float(cells["frp"], "frp", low=-100, high=100000),
        scan=_float(cells["scan"], "scan", low=0, high=100),
        track=_float(cells["track"], "track", low=0, high=100),
        daynight=daynight,
    )


def _bulletin_row(number: int, cells: dict[str, Any]) -> FireRow:
    county = _text(cells.get("county"))
    township = _text(cells.get("township"))
    if not county:
        raise Explained(_("%(name)s is empty"), name="县(市、区)")
    if not township:
        raise Explained(_("%(name)s is empty"), name="乡镇")
    lon = parse_dms(cells.get("lon"), "lon")
    lat = parse_dms(cells.get("lat"), "lat")
    day = _date(cells.get("date"), "卫星过境日期")
    return FireRow(
        row=number,
        source="bulletin",
        latitude=lat,
        longitude=lon,
        acquired_at=datetime.combine(day, time(12), tzinfo=BEIJING).astimezone(UTC),
        time_known=False,
        city=_text(cells.get("city"))[:40],
        county=county[:40],
        township=township[:60],
    )


def parse_rows(rows: Sequence[Sequence[Any]]) -> Parsed:
    """Rows of a table (header first) → the detections and every bad row's number."""
    rows = list(rows)
    if not rows:
        raise FeedError(_("the file is empty"))
    header = [normalise_header(c) for c in rows[0]]
    source = detect(header)
    if source == "bulletin":
        columns: dict[str, int] = {}
        for key, options in BULLETIN_COLUMNS.items():
            for i, name in enumerate(header):
                if name in options and key not in columns:
                    columns[key] = i
    else:
        lowered = [h.lower() for h in header]
        names = VIIRS_COLUMNS if source == "viirs" else MODIS_COLUMNS
        columns = {name: lowered.index(name) for name in names}
    parsed: list[FireRow] = []
    errors: list[tuple[int, Any]] = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(_text(c) for c in raw):
            continue  # blank lines at the end of a spreadsheet
        cells = {k: (raw[i] if i < len(raw) else None) for k, i in columns.items()}
        try:
            if source == "bulletin":
                parsed.append(_bulletin_row(number, cells))
            else:
                parsed.append(_firms_row(source, number, cells))
        except Explained as exc:
            errors.append((number, exc))
        except ValueError as exc:  # a library's own (strptime's): its text as it is
            errors.append((number, str(exc)))
    if not parsed and not errors:
        errors.append((2, Explained(_("the file has a header but no rows"))))
    return Parsed(source, parsed, errors)


def beijing_day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def window(moment: datetime, hours: int) -> tuple[datetime, datetime]:
    return moment - timedelta(hours=hours), moment + timedelta(hours=hours)


def format_dms(value: float, axis: str) -> str:
    """Decimal degrees → ``125°04′48.0″E`` (to a tenth of a second, about 3 m)."""
    hemi = ("E" if value >= 0 else "W") if axis == "lon" else ("N" if value >= 0 else "S")
    tenths = round(abs(value) * 36000)
    degrees, rest = divmod(tenths, 36000)
    minutes, rest = divmod(rest, 600)
    return f"{degrees}°{minutes:02d}′{rest / 10:04.1f}″{hemi}"
