"""What `vibecode new feature NAME FIELD:TYPE ... [--owned]` asks for, validated."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from vibecode.errors import VibecodeError

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# Names the generated code or SQLAlchemy already use.
_RESERVED = frozenset({"id", "public_id", "owner_id", "owner", "metadata", "registry", "data"})
_FEATURE_RESERVED = frozenset({"user", "users", "health", "demo", "base", "deps", "responses"})


@dataclass(frozen=True)
class FieldType:
    """How one TYPE of FIELD:TYPE is written in each layer, and the tests' sample values."""

    python: str
    column: str
    """The SQLAlchemy type in the model (`String(200)`); the migration writes `sa.` + it."""
    schema: str
    """The Pydantic annotation for input (constraints included)."""
    sample: str
    changed: str
    """Two different JSON values (as Python literals) the tests send."""


TYPES: dict[str, FieldType] = {
    "str": FieldType(
        "str",
        "String(200)",
        "Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]",
        '"Example"',
        '"Changed"',
    ),
    "text": FieldType(
        "str",
        "Text()",
        "Annotated[str, Field(min_length=1, max_length=10_000, pattern=NO_NUL)]",
        '"Some longer text."',
        '"Other text."',
    ),
    "int": FieldType(
        "int", "Integer()", "Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]", "42", "7"
    ),
    "float": FieldType(
        "float", "Float()", "Annotated[float, Field(allow_inf_nan=False)]", "1.5", "2.25"
    ),
    "bool": FieldType("bool", "Boolean()", "bool", "True", "False"),
    "datetime": FieldType(
        "datetime",
        "DateTime(timezone=True)",
        "AwareDatetime",
        '"2026-01-02T03:04:05Z"',
        '"2027-06-07T08:09:10Z"',
    ),
}


@dataclass(frozen=True)
class Field:
    """One column of the feature."""

    name: str
    type: FieldType
    kind: str
    optional: bool

    @property
    def python(self) -> str:
        """The Python type of the model's attribute."""
        return f"{self.type.python} | None" if self.optional else self.type.python


@dataclass(frozen=True)
class FeatureSpec:
    """A feature's names, derived once from NAME."""

    name: str
    """Singular snake case: `product`, `blog_entry`."""
    fields: tuple[Field, ...]
    owned: bool

    @property
    def plural(self) -> str:
        """The table, the route and the module of the router: `products`."""
        name = self.name
        if re.search(r"[^aeiou]y$", name):
            return name[:-1] + "ies"
        if re.search(r"(s|x|z|ch|sh)$", name):
            return name + "es"
        return name + "s"

    @property
    def cls(self) -> str:
        """The model's class: `BlogEntry`."""
        return "".join(part.capitalize() for part in self.name.split("_"))

    @property
    def title(self) -> str:
        """For messages: `Blog entry`."""
        return self.name.replace("_", " ").capitalize()

    @property
    def required(self) -> tuple[Field, ...]:
        """The fields a create must send."""
        return tuple(field for field in self.fields if not field.optional)

    @property
    def uses_datetime(self) -> bool:
        """Whether a field is a datetime (imports)."""
        return any(field.kind == "datetime" for field in self.fields)


def parse_feature(name: str, fields: list[str], *, owned: bool) -> FeatureSpec:
    """Validate NAME and FIELD:TYPE[?] arguments; a one-line error says what to write instead."""
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise VibecodeError(
            f"{name!r} is not a feature name: write it in singular snake case, e.g. `product`"
        )
    if name in _FEATURE_RESERVED:
        raise VibecodeError(f"`{name}` is taken by the app itself: choose another feature name")
    parsed: list[Field] = []
    for raw in fields or ["name:str"]:
        field_name, _, kind = raw.partition(":")
        optional = kind.endswith("?")
        kind = kind.removesuffix("?")
        if not kind:
            raise VibecodeError(
                f"{raw!r}: write FIELD:TYPE, e.g. `price:float` (TYPE? for optional)"
            )
        if kind not in TYPES:
            raise VibecodeError(f"{raw!r}: TYPE is one of {', '.join(TYPES)}")
        if not _NAME.match(field_name) or keyword.iskeyword(field_name):
            raise VibecodeError(f"{raw!r}: FIELD is a snake_case name, e.g. `unit_price`")
        if field_name in _RESERVED or field_name.startswith("_") or field_name == "created_at":
            raise VibecodeError(
                f"{raw!r}: `{field_name}` is made by the generator; choose another name"
            )
        if field_name in {f.name for f in parsed}:
            raise VibecodeError(f"{raw!r}: `{field_name}` is given twice")
        parsed.append(Field(field_name, TYPES[kind], kind, optional))
    spec = FeatureSpec(name, tuple(parsed), owned)
    if not spec.required:
        raise VibecodeError("give at least one required field (FIELD:TYPE without `?`)")
    return spec
