"""Model fields: an encrypted value and its blind index.

    id_number = EncryptedField(_("ID number"), kind="id_number", max_length=18,
                               blind_index="id_number_bidx")
    id_number_bidx = BlindIndexField(of="id_number", db_index=True)

The value is sealed when written (``cipher.seal`` under the table's active key) and opened
when read; ``max_length`` is the plaintext's, for forms and validation (the column is text).
The index is computed from the value whenever the row is saved or bulk-created, so it
cannot drift from it. ``filter(id_number=x)`` and ``filter(id_number__in=[…])`` compare the
blind index of ``x`` — one HMAC per query, then the index column's B-tree — and any other
lookup (``contains``, ``startswith``, ordering by the value …) is refused: it could only
compare ciphertext. Uniqueness goes on the index field.

``QuerySet.update()`` and ``bulk_update()`` bypass ``pre_save``: code that changes an
encrypted value in bulk goes through ``columns.seal_column`` for both columns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import checks
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import NotSupportedError, models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup

from yimen.fieldcrypt import cipher


class EncryptedField(models.TextField):
    """A personal value kept SM4-encrypted (see the module docstring)."""

    description = "An SM4-encrypted value"

    def __init__(
        self,
        *args: Any,
        kind: str = "id_number",
        blind_index: str | None = None,
        **kwargs: Any,
    ) -> None:
        if kind not in cipher.KINDS:
            raise ValueError(f"unknown kind of encrypted value: {kind}")
        self.kind = kind
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.blind_index:
            try:
                target = self.model._meta.get_field(self.blind_index)
            except FieldDoesNotExist:
                target = None
            if not isinstance(target, BlindIndexField) or target.of != self.name:
                errors.append(
                    checks.Error(
                        f"{self.blind_index} must be BlindIndexField(of={self.name!r})",
                        obj=self,
                        id="fieldcrypt.E001",
                    )
                )
        return errors

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def column_name(self) -> str:
        return self.column or self.name

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return cipher.open_(self.table, self.column_name, value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        # every write path comes here: save, bulk_create, update(), bulk_update's CASE
        # (the lookups of this field compare the blind index and never reach it)
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or value == "" or cipher.is_sealed(value):
            return value
        return cipher.seal(self.table, self.column_name, str(value))

    def index_of(self, value: Any) -> str:
        return cipher.blind_index(self.kind, None if value is None else str(value))

    def formfield(self, **kwargs: Any) -> Any:
        # a one-line input of the plaintext's length, not TextField's textarea
        defaults: dict[str, Any] = {"form_class": forms.CharField, "max_length": self.max_length}
        if self.kind == "text":
            defaults["widget"] = forms.Textarea
        return super().formfield(**{**defaults, **kwargs})

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return BlindExact
        if lookup_name == "in" and self.blind_index:
            return BlindIn
        return None  # Django then says: unsupported lookup for EncryptedField


class BlindIndexField(models.CharField):
    """The blind index of another field of the model, computed when the row is written."""

    description = "The blind index of an encrypted field"

    def __init__(self, *args: Any, of: str = "", **kwargs: Any) -> None:
        self.of = of
        kwargs.setdefault("max_length", cipher.INDEX_HEX)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["of"] = self.of
        for key, default in (
            ("max_length", cipher.INDEX_HEX),
            ("editable", False),
            ("blank", True),
            ("default", ""),
        ):
            if kwargs.get(key) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        source = model_instance._meta.get_field(self.of)
        assert isinstance(source, EncryptedField)
        value = source.index_of(getattr(model_instance, source.attname))
        setattr(model_instance, self.attname, value)
        return value


def _index_column(lookup: Lookup) -> tuple[EncryptedField, Col]:
    lhs = lookup.lhs
    field = getattr(lhs, "target", None)
    if not isinstance(lhs, Col) or not isinstance(field, EncryptedField):
        raise NotSupportedError(
            "an encrypted field is compared only as a column / 加密字段仅可按列比较"
        )
    if not field.blind_index:
        raise NotSupportedError(
            f"{field.name} has no blind index: it cannot be searched / {field.name} 不可检索"
        )
    index_field = field.model._meta.get_field(field.blind_index)
    return field, Col(lhs.alias, index_field)  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    if hasattr(value, "resolve_expression"):
        raise NotSupportedError(
            "compare encrypted fields by their blind index field (…_bidx) / 请按盲索引字段比较"
        )
    return value


class BlindExact(Lookup):
    """``field = value`` as ``field_bidx = index(value)``; ``field = ""`` as the empty
    value (blank fields, unindexed free text included)."""

    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        value = _plain(self.rhs)
        if value == "":
            lhs_sql, params = compiler.compile(self.lhs)
            return f"{lhs_sql} = %s", [*params, ""]
        field, column = _index_column(self)
        sql, params = compiler.compile(column)
        return f"{sql} = %s", [*params, field.index_of(value)]


class BlindIn(Lookup):
    """``field IN (…)`` as ``field_bidx IN (index(v) …)``."""

    lookup_name = "in"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        values = list(dict.fromkeys(_plain(v) for v in _plain(self.rhs) if v is not None))
        if not values:
            raise EmptyResultSet
        field, column = _index_column(self)
        sql, params = compiler.compile(column)
        indexes = [field.index_of(v) for v in values]
        marks = ", ".join(["%s"] * len(indexes))
        return f"{sql} IN ({marks})", [*params, *indexes]
