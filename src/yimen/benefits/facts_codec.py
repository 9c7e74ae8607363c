"""Byte layout of the roster's household facts (benefits.models.HouseholdFacts).

A household is one byte string: a fixed-size household record (hukou, able supporter,
deposits, homes, market entities, vehicles per kind) followed by one fixed-size record per
member (birth date as a
day number, disability kind and grade, work ability, living apart, student, monthly income
per category in fen). Coded values are indexes into the model choices, so the layout
changes when a choice list does; ``LAYOUT`` is derived from the dtypes and the choice lists
and a stored record of another layout is rebuilt before it is read, never misread.

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

LIVING_APART, STUDENT = 1, 2  # bits of the member record's flags

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
        ],
        "formats": ["u1", "u1", "<i8", "<i4", "<i4", ("<i4", (len(VEHICLES),))],
        "offsets": [0, 1, 2, 10, 14, 18],
        "itemsize": MEMBER.itemsize,
    }
)
RECORD = np.dtype((np.void, MEMBER.itemsize))
LAYOUT = (  # 31 bits: stored in a PositiveIntegerField
    zlib.crc32(
        repr((HOUSEHOLD.descr, MEMBER.descr, INCOMES, VEHICLES, DISABILITY_KINDS, WORK_ABILITIES))
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


def encode(households: pl.DataFrame, members: pl.DataFrame) -> Iterator[Encoded]:
    """The records of each household in ``households`` (frames as ``source_frames`` reads
    them; members sorted by household)."""
    members = members.sort("household_id", maintain_order=True)
    h = np.zeros(households.height, dtype=HOUSEHOLD)
    h["hukou"] = _codes(households["hukou_type"], HUKOU_TYPES)
    h["able_supporter"] = households["has_able_supporter"].fill_null(False).to_numpy()
    for field in ("deposits_fen", "homes", "market_entities"):
        h[field] = households[field].fill_null(0).to_numpy()
    for k, kind in enumerate(VEHICLES):
        h["vehicles"][:, k] = households[f"vehicle_{kind}"].fill_null(0).to_numpy()
    m = np.zeros(members.height, dtype=MEMBER)
    m["birth_day"] = members["birth_date"].cast(pl.Int32).to_numpy()
    m["disability_kind"] = _codes(members["disability_kind"], DISABILITY_KINDS)
    m["disability_grade"] = members["disability_grade"].fill_null(0).to_numpy()
    m["work_ability"] = _codes(members["work_ability"], WORK_ABILITIES)
    m["flags"] = (
        members["living_apart"].fill_null(False).cast(pl.UInt8).to_numpy() * LIVING_APART
        + members["student"].fill_null(False).cast(pl.UInt8).to_numpy() * STUDENT
    )
    for k, category in enumerate(INCOMES):
        fen = members[f"income_{category}"].fill_null(0).to_numpy()
        m["incomes_fen"][:, k] = np.clip(fen, -INCOME_CAP_FEN, INCOME_CAP_FEN)
    member_ids = members["household_id"].to_numpy()
    ids = households["household_id"].to_numpy()
    starts = np.searchsorted(member_ids, ids, side="left")
    ends = np.searchsorted(member_ids, ids, side="right")
    tiers = households["hardship_tier"].fill_null("").to_list()
    for i, household_id in enumerate(ids.tolist()):
        records = h[i].tobytes() + m[starts[i] : ends[i]].tobytes()
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


def _split(batch: StoredBatch) -> tuple[np.ndarray, np.ndarray]:
    """(household records, member records) of a batch: each household's byte string is
    its household record followed by its member records."""
    heads = np.cumsum(batch.sizes) - batch.sizes
    is_member = np.ones(batch.data.size, dtype=bool)
    is_member[heads] = False
    return batch.data[heads].view(HOUSEHOLD), batch.data[is_member].view(MEMBER)


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


def decode(batches: Iterable[StoredBatch]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(households, members) frames of the stored records, as ``evaluate_frame`` takes
    them (coded columns as Enums, money in fen, dates as dates)."""
    household_parts, member_parts = [], []
    for batch in batches:
        if not batch.household_ids.size:
            continue
        h, m = _split(batch)
        ids, counts = batch.household_ids, batch.sizes - 1
        labels = _labels(batch.labels)
        household_parts.append(
            pl.DataFrame(
                {
                    "household_id": ids,
                    "division_id": labels["division_id"],
                    "current_type": labels["current_type"],
                    "hukou_type": _enum(h["hukou"], HUKOU_TYPES),
                    "has_able_supporter": h["able_supporter"] != 0,
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
        member_parts.append(
            pl.DataFrame(
                {
                    "household_id": np.repeat(ids, counts),
                    "birth_date": pl.Series(_column(m, "birth_day")).cast(pl.Int32).cast(pl.Date),
                    "disability_kind": _enum(m["disability_kind"], DISABILITY_KINDS),
                    "disability_grade": _column(m, "disability_grade"),
                    "work_ability": _enum(m["work_ability"], WORK_ABILITIES),
                    "living_apart": (m["flags"] & LIVING_APART) != 0,
                    "student": (m["flags"] & STUDENT) != 0,
                    **{
                        f"income_{category}": _column(m, "incomes_fen", k)
                        for k, category in enumerate(INCOMES)
                    },
                }
            )
        )
    if not household_parts:
        return _empty()
    return pl.concat(household_parts), pl.concat(member_parts)


def _empty() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Frames of the right columns and types, with no rows."""
    one = StoredBatch.of_rows([0], ["||"], [bytes(HOUSEHOLD.itemsize + MEMBER.itemsize)])
    households, members = decode([one])
    return households.clear(), members.clear()
