"""Byte layout of the roster's household facts (benefits.models.HouseholdFacts).

A household is one byte string of fixed-size records: the household record (hukou, the
caseworker's supporter finding, deposits, homes, market entities, vehicles per kind, and
how many extra and supporter records follow), one record per member (birth date as a day
number, disability kind and grade, work ability, flags — living apart, student, 特困 as a
minor, the latest self-care assessment's failed items — and monthly income per category
in fen), then one extra record per member who holds further disability certificates or
seasonal income (the member's place, the most severe grade per certificate kind, the
look-back total per income category), then one record per legal supporter (TK2021 Art.8:
the facts the supporter test reads). Extra and supporter records are rare, so most
households weigh what they did before those facts existed.

Coded values are indexes into the model choices, so the layout changes when a choice list
does; ``LAYOUT`` is derived from the dtypes and the choice lists and a stored record of
another layout is rebuilt before it is read, never misread.

Encoding runs over the same frames the rules read (``frames.source_frames``), decoding
turns a batch of stored records back into exactly those frames: a test compares the two."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa

from yimen.assistance.choices import (
    DisabilityKind,
    HukouType,
    IncomeCategory,
    VehicleKind,
    WorkAbility,
)

INCOMES = tuple(IncomeCategory.values)
VEHICLES = tuple(VehicleKind.values)
DISABILITY_KINDS = tuple(DisabilityKind.values)
WORK_ABILITIES = tuple(WorkAbility.values)
HUKOU_TYPES = tuple(HukouType.values)

CERT_KINDS = DISABILITY_KINDS[1:]  # further certificates by kind ("" is no disability)

# bits of the member record's flags; bits 4–6 hold the failed self-care items + 1 (0: the
# member was never assessed), bit 7 says an extra record of the member follows
LIVING_APART, STUDENT, TEKUN_AS_MINOR, HAS_EXTRA = 1, 2, 4, 128
SELF_CARE_SHIFT, SELF_CARE_MASK = 4, 0b111
# the caseworker's supporter finding: yes, no, or none recorded (the rules decide)
FINDING_NO, FINDING_YES, FINDING_NONE = 0, 1, 2
# bits of the supporter record's flags
SUPPORTER_FLAGS = ("is_tekun", "dibao_recipient", "incapacitated", "missing", "imprisoned")

MEMBER = np.dtype(
    [
        ("birth_day", "<i4"),  # days since 1970-01-01
        ("disability_kind", "u1"),
        ("disability_grade", "u1"),
        ("work_ability", "u1"),
        ("flags", "u1"),
        ("incomes_fen", "<i4", (len(INCOMES),)),  # capped at INCOME_CAP_FEN
    ]
)
# A member's monthly income of one category is stored in 32 bits: at most 21,474,836.47 yuan.
# A larger figure is stored as that cap, which leaves every result unchanged — a household
# with such an income is far above any standard, threshold or tier either way — and halves
# what a million households' records weigh (the batch's read time follows the bytes).
INCOME_CAP_FEN = 2**31 - 1
# The household record is padded to a member record's size, so a household's byte string
# is a whole number of records and a batch of them splits by record, not by byte.
HOUSEHOLD = np.dtype(
    {
        "names": [
            "hukou",
            "able_supporter",
            "deposits_fen",
            "homes",
            "market_entities",
            "vehicles",
            "extras",
            "supporters",
        ],
        "formats": ["u1", "u1", "<i8", "<i4", "<i4", ("<i4", (len(VEHICLES),)), "<u2", "<u2"],
        "offsets": [0, 1, 2, 10, 14, 18, 18 + 4 * len(VEHICLES), 20 + 4 * len(VEHICLES)],
        "itemsize": MEMBER.itemsize,
    }
)
# A member's further certificates and seasonal income: its place among the household's
# members, the most severe grade per kind (0: none), the look-back total per category.
EXTRA = np.dtype(
    {
        "names": ["member", "cert_grades", "period_fen"],
        "formats": ["u1", ("u1", (len(CERT_KINDS),)), ("<i4", (len(INCOMES),))],
        "offsets": [0, 1, 8],
        "itemsize": MEMBER.itemsize,
    }
)
SUPPORTER = np.dtype(
    {
        "names": [
            "birth_day",
            "flags",
            "disability_kind",
            "disability_grade",
            "annual_income_fen",
            "deposits_fen",
            "homes",
            "market_entities",
            "vehicles",
        ],
        "formats": ["<i4", "u1", "u1", "u1", "<i8", "<i8", "<u2", "<u2", ("<u2", (len(VEHICLES),))],
        "offsets": [0, 4, 5, 6, 8, 16, 24, 26, 28],
        "itemsize": MEMBER.itemsize,
    }
)
RECORD = np.dtype((np.void, MEMBER.itemsize))
MAX_MEMBERS = 255  # an extra record names its member in one byte
LAYOUT = (  # 31 bits: stored in a PositiveIntegerField
    zlib.crc32(
        repr(
            (
                HOUSEHOLD.descr,
                MEMBER.descr,
                EXTRA.descr,
                SUPPORTER.descr,
                INCOMES,
                VEHICLES,
                DISABILITY_KINDS,
                WORK_ABILITIES,
                (LIVING_APART, STUDENT, TEKUN_AS_MINOR, HAS_EXTRA, SELF_CARE_SHIFT),
                SUPPORTER_FLAGS,
            )
        )
        .encode()
        .replace(b" ", b"")
    )
    & 0x7FFF_FFFF
)


@dataclass(frozen=True)
class Encoded:
    household_id: int
    hardship_tier: str
    records: bytes  # the household record, then one record per member


def _codes(values: pl.Series, choices: Sequence[str]) -> np.ndarray:
    return (
        values.cast(pl.String)
        .fill_null("")
        .replace_strict(list(choices), list(range(len(choices))), return_dtype=pl.UInt8)
        .to_numpy()
    )


def _optional(frame: pl.DataFrame, column: str, default, dtype=pl.Int64) -> pl.Series:
    """A column the rules treat as optional, or ``default`` for every row."""
    if column in frame.columns:
        return frame[column].fill_null(default).cast(dtype)
    return pl.Series([default] * frame.height, dtype=dtype)


def _member_records(members: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(member records, extra records) of members sorted by household."""
    m = np.zeros(members.height, dtype=MEMBER)
    m["birth_day"] = members["birth_date"].cast(pl.Int32).to_numpy()
    m["disability_kind"] = _codes(members["disability_kind"], DISABILITY_KINDS)
    m["disability_grade"] = members["disability_grade"].fill_null(0).to_numpy()
    m["work_ability"] = _codes(members["work_ability"], WORK_ABILITIES)
    for column, bit in (
        ("living_apart", LIVING_APART),
        ("student", STUDENT),
        ("tekun_as_minor", TEKUN_AS_MINOR),
    ):
        m["flags"] |= _optional(members, column, False, pl.UInt8).to_numpy() * np.uint8(bit)
    if "self_care_failed" in members.columns:
        failed = members["self_care_failed"].cast(pl.Int64).to_numpy(allow_copy=True)
        assessed = ~members["self_care_failed"].is_null().to_numpy()
        care = np.where(assessed, np.nan_to_num(failed).astype(np.int64) + 1, 0)
        m["flags"] |= (care.astype(np.uint8) & SELF_CARE_MASK) << SELF_CARE_SHIFT
    for k, category in enumerate(INCOMES):
        fen = members[f"income_{category}"].fill_null(0).to_numpy()
        m["incomes_fen"][:, k] = np.clip(fen, -INCOME_CAP_FEN, INCOME_CAP_FEN)
    grades = np.stack(
        [_optional(members, f"cert_{kind}", 0).to_numpy() for kind in CERT_KINDS], axis=1
    ).reshape(members.height, len(CERT_KINDS))
    periods = np.stack(
        [_optional(members, f"period_{c}", 0).to_numpy() for c in INCOMES], axis=1
    ).reshape(members.height, len(INCOMES))
    has_extra = (grades != 0).any(axis=1) | (periods != 0).any(axis=1)
    m["flags"] |= has_extra.astype(np.uint8) * np.uint8(HAS_EXTRA)
    x = np.zeros(int(has_extra.sum()), dtype=EXTRA)
    ordinal = members.select(pl.int_range(pl.len()).over("household_id")).to_series().to_numpy()
    if members.height and ordinal.max(initial=0) >= MAX_MEMBERS:
        raise ValueError(f"a household of more than {MAX_MEMBERS} members cannot be stored")
    x["member"] = ordinal[has_extra]
    x["cert_grades"] = grades[has_extra]
    x["period_fen"] = np.clip(periods[has_extra], -INCOME_CAP_FEN, INCOME_CAP_FEN)
    return m, x


def _supporter_records(supporters: pl.DataFrame) -> np.ndarray:
    s = np.zeros(supporters.height, dtype=SUPPORTER)
    s["birth_day"] = supporters["birth_date"].cast(pl.Int32).to_numpy()
    for bit, column in enumerate(SUPPORTER_FLAGS):
        s["flags"] |= _optional(supporters, column, False, pl.UInt8).to_numpy() << np.uint8(bit)
    s["disability_kind"] = _codes(supporters["disability_kind"], DISABILITY_KINDS)
    s["disability_grade"] = supporters["disability_grade"].fill_null(0).to_numpy()
    for field in ("annual_income_fen", "deposits_fen", "homes", "market_entities"):
        s[field] = supporters[field].fill_null(0).to_numpy()
    for k, kind in enumerate(VEHICLES):
        s["vehicles"][:, k] = _optional(supporters, f"vehicle_{kind}", 0).to_numpy()
    return s


def _ranges(keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.searchsorted(keys, ids, side="left"), np.searchsorted(keys, ids, side="right")


def encode(
    households: pl.DataFrame, members: pl.DataFrame, supporters: pl.DataFrame | None = None
) -> Iterator[Encoded]:
    """The records of each household in ``households`` (frames as ``source_frames`` reads
    them: members sorted by household, in member order within it)."""
    members = members.sort("household_id", maintain_order=True)
    if supporters is None:
        supporters = supporters_frame([])
    supporters = supporters.sort("household_id", maintain_order=True)
    h = np.zeros(households.height, dtype=HOUSEHOLD)
    h["hukou"] = _codes(households["hukou_type"], HUKOU_TYPES)
    finding = households["has_able_supporter"]
    h["able_supporter"] = np.where(
        finding.is_null().to_numpy(),
        FINDING_NONE,
        finding.fill_null(False).cast(pl.UInt8).to_numpy(),
    )
    for field in ("deposits_fen", "homes", "market_entities"):
        h[field] = households[field].fill_null(0).to_numpy()
    for k, kind in enumerate(VEHICLES):
        h["vehicles"][:, k] = households[f"vehicle_{kind}"].fill_null(0).to_numpy()
    m, x = _member_records(members)
    s = _supporter_records(supporters)
    ids = households["household_id"].to_numpy()
    member_ids = members["household_id"].to_numpy()
    extra_ids = member_ids[(m["flags"] & HAS_EXTRA) != 0]
    m_starts, m_ends = _ranges(member_ids, ids)
    x_starts, x_ends = _ranges(extra_ids, ids)
    s_starts, s_ends = _ranges(supporters["household_id"].to_numpy(), ids)
    h["extras"] = x_ends - x_starts
    h["supporters"] = s_ends - s_starts
    tiers = households["hardship_tier"].fill_null("").to_list()
    for i, household_id in enumerate(ids.tolist()):
        records = h[i].tobytes() + m[m_starts[i] : m_ends[i]].tobytes()
        if x_ends[i] > x_starts[i]:
            records += x[x_starts[i] : x_ends[i]].tobytes()
        if s_ends[i] > s_starts[i]:
            records += s[s_starts[i] : s_ends[i]].tobytes()
        yield Encoded(household_id, tiers[i], records)


def _enum(codes: np.ndarray, choices: Sequence[str]) -> pl.Series:
    """Codes (indexes into ``choices``) as an Enum column, without a string per row."""
    categories = pl.Series(list(choices), dtype=pl.Enum(list(dict.fromkeys(choices))))
    return categories.gather(pl.Series(codes.astype(np.uint32)))


def _column(records: np.ndarray, field: str, index: int | None = None) -> np.ndarray:
    """One field of packed records as a contiguous 64-bit column (the records' fields are
    strided views, which Polars would copy value by value)."""
    values = records[field] if index is None else records[field][:, index]
    return np.ascontiguousarray(values, dtype=np.int64)


@dataclass(frozen=True)
class Split:
    """A batch's records by kind, with the household each belongs to."""

    households: np.ndarray  # HOUSEHOLD, one per household
    members: np.ndarray  # MEMBER
    member_counts: np.ndarray
    extras: np.ndarray  # EXTRA
    extra_members: np.ndarray  # index into ``members`` of each extra record's member
    supporters: np.ndarray  # SUPPORTER
    supporter_counts: np.ndarray


def _split(batch: StoredBatch) -> Split:
    """Each household's byte string is its household record, its member records, its
    extra records, then its supporter records; the counts are in the household record."""
    heads = np.cumsum(batch.sizes) - batch.sizes
    h = batch.data[heads].view(HOUSEHOLD)
    extras = h["extras"].astype(np.int64)
    supporters = h["supporters"].astype(np.int64)
    members = batch.sizes - 1 - extras - supporters
    counts = np.column_stack([np.ones_like(members), members, extras, supporters]).ravel()
    kinds = np.repeat(np.tile(np.arange(4, dtype=np.int8), len(members)), counts)
    x = batch.data[kinds == 2].view(EXTRA)
    member_starts = np.cumsum(members) - members
    extra_members = np.repeat(member_starts, extras) + x["member"].astype(np.int64)
    return Split(
        h,
        batch.data[kinds == 1].view(MEMBER),
        members,
        x,
        extra_members,
        batch.data[kinds == 3].view(SUPPORTER),
        supporters,
    )


SUPPORTER_SCHEMA: dict[str, type[pl.DataType]] = {
    "household_id": pl.Int64,
    "birth_date": pl.Date,
    **dict.fromkeys(SUPPORTER_FLAGS, pl.Boolean),
    "disability_kind": pl.String,
    "disability_grade": pl.Int64,
    "annual_income_fen": pl.Int64,
    "deposits_fen": pl.Int64,
    "homes": pl.Int64,
    "market_entities": pl.Int64,
    **{f"vehicle_{kind}": pl.Int64 for kind in VEHICLES},
}


def supporters_frame(rows: list[tuple]) -> pl.DataFrame:
    """The supporters frame ``evaluate_frame`` takes, from rows in ``SUPPORTER_SCHEMA``
    order (no rows: an empty frame of the right columns)."""
    return pl.DataFrame(rows, schema=SUPPORTER_SCHEMA, orient="row")


LABEL_SEPARATOR = "|"  # division codes and assistance types never contain it


@dataclass
class StoredBatch:
    """Households read back, in the same order in every field. The labels are
    "division|assistance type|hardship tier", joined by the database so that a row is
    three values, not five (each value read costs more than the bytes in it)."""

    household_ids: np.ndarray  # int64
    labels: pl.Series  # String
    data: np.ndarray  # the households' byte strings back to back, as RECORDs
    sizes: np.ndarray  # records per household: 1 + its members

    @classmethod
    def of_rows(cls, ids: list[int], labels: list[str], records: list[bytes]) -> StoredBatch:
        """From rows a DB-API driver handed back, one Python value each."""
        sizes = np.fromiter(map(len, records), np.int64, len(records)) // RECORD.itemsize
        return cls(
            np.asarray(ids, dtype=np.int64),
            pl.Series(labels, dtype=pl.String),
            np.frombuffer(b"".join(records), dtype=RECORD),
            sizes,
        )

    @classmethod
    def of_arrow(cls, ids: pa.Array, labels: pa.Array, records: pa.Array) -> StoredBatch:
        """From Arrow columns (``records`` binary): the records are read where the driver
        put them, one buffer for the batch, without a Python object per household."""
        offset_type = np.int64 if pa.types.is_large_binary(records.type) else np.int32
        _, offsets_buffer, data_buffer = records.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[
            records.offset : records.offset + len(records) + 1
        ].astype(np.int64)
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.empty(0, np.uint8)
        return cls(
            ids.to_numpy(zero_copy_only=False).astype(np.int64),
            pl.Series(pl.from_arrow(labels)).cast(pl.String),
            data[offsets[0] : offsets[-1]].view(RECORD),
            np.diff(offsets) // RECORD.itemsize,
        )


def _labels(labels: pl.Series) -> pl.DataFrame:
    return (
        labels.str.splitn(LABEL_SEPARATOR, 3)
        .struct.rename_fields(["division_id", "current_type", "hardship_tier"])
        .struct.unnest()
        .with_columns(pl.col("hardship_tier").fill_null(""))
    )


Decoded = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]


def _members_frame(split: Split, ids: np.ndarray) -> pl.DataFrame:
    m = split.members
    grades = np.zeros((len(m), len(CERT_KINDS)), dtype=np.int64)
    periods = np.zeros((len(m), len(INCOMES)), dtype=np.int64)
    grades[split.extra_members] = split.extras["cert_grades"]
    periods[split.extra_members] = split.extras["period_fen"]
    care = ((m["flags"] >> SELF_CARE_SHIFT) & SELF_CARE_MASK).astype(np.int64) - 1
    return pl.DataFrame(
        {
            "household_id": np.repeat(ids, split.member_counts),
            "birth_date": pl.Series(_column(m, "birth_day")).cast(pl.Int32).cast(pl.Date),
            "disability_kind": _enum(m["disability_kind"], DISABILITY_KINDS),
            "disability_grade": _column(m, "disability_grade"),
            "work_ability": _enum(m["work_ability"], WORK_ABILITIES),
            "living_apart": (m["flags"] & LIVING_APART) != 0,
            "student": (m["flags"] & STUDENT) != 0,
            "tekun_as_minor": (m["flags"] & TEKUN_AS_MINOR) != 0,
            "self_care_failed": pl.Series(care).set(pl.Series(care < 0), None),
            **{
                f"income_{category}": _column(m, "incomes_fen", k)
                for k, category in enumerate(INCOMES)
            },
            **{
                f"cert_{kind}": pl.Series(grades[:, k]).set(pl.Series(grades[:, k] == 0), None)
                for k, kind in enumerate(CERT_KINDS)
            },
            **{f"period_{category}": periods[:, k] for k, category in enumerate(INCOMES)},
        }
    )


def _supporters_frame(split: Split, ids: np.ndarray) -> pl.DataFrame:
    s = split.supporters
    return pl.DataFrame(
        {
            "household_id": np.repeat(ids, split.supporter_counts),
            "birth_date": pl.Series(_column(s, "birth_day")).cast(pl.Int32).cast(pl.Date),
            **{
                column: (s["flags"] & np.uint8(1 << bit)) != 0
                for bit, column in enumerate(SUPPORTER_FLAGS)
            },
            "disability_kind": pl.Series(np.asarray(DISABILITY_KINDS)[s["disability_kind"]]),
            "disability_grade": pl.Series(_column(s, "disability_grade")).set(
                pl.Series(s["disability_grade"] == 0), None
            ),
            **{
                field: _column(s, field)
                for field in ("annual_income_fen", "deposits_fen", "homes", "market_entities")
            },
            **{f"vehicle_{kind}": _column(s, "vehicles", k) for k, kind in enumerate(VEHICLES)},
        },
        schema=SUPPORTER_SCHEMA,
    )


def decode(batches: Iterable[StoredBatch]) -> Decoded:
    """(households, members, supporters) frames of the stored records, as
    ``evaluate_frame`` takes them (coded columns as Enums, money in fen, dates as dates)."""
    household_parts, member_parts, supporter_parts = [], [], []
    for batch in batches:
        if not batch.household_ids.size:
            continue
        split = _split(batch)
        h, ids = split.households, batch.household_ids
        labels = _labels(batch.labels)
        household_parts.append(
            pl.DataFrame(
                {
                    "household_id": ids,
                    "division_id": labels["division_id"],
                    "current_type": labels["current_type"],
                    "hukou_type": _enum(h["hukou"], HUKOU_TYPES),
                    "has_able_supporter": pl.Series(h["able_supporter"] == FINDING_YES).set(
                        pl.Series(h["able_supporter"] == FINDING_NONE), None
                    ),
                    "hardship_tier": labels["hardship_tier"],
                    "deposits_fen": _column(h, "deposits_fen"),
                    "homes": _column(h, "homes"),
                    "market_entities": _column(h, "market_entities"),
                    **{
                        f"vehicle_{kind}": _column(h, "vehicles", k)
                        for k, kind in enumerate(VEHICLES)
                    },
                }
            )
        )
        member_parts.append(_members_frame(split, ids))
        supporter_parts.append(_supporters_frame(split, ids))
    if not household_parts:
        return _empty()
    return pl.concat(household_parts), pl.concat(member_parts), pl.concat(supporter_parts)


def _empty() -> Decoded:
    """Frames of the right columns and types, with no rows."""
    one = StoredBatch.of_rows([0], ["||"], [bytes(HOUSEHOLD.itemsize + MEMBER.itemsize)])
    households, members, supporters = decode([one])
    return households.clear(), members.clear(), supporters.clear()
