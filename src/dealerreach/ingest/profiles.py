"""Import profiles: how a vendor's export maps onto the canonical format.

A profile is data — file names, a column map and value parsers — never code per vendor
beyond that. A value parser turns a vendor's text into canonical text; text it cannot
read is returned unchanged, so the canonical checks reject it with the value shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from dealerreach.ingest.spec import Kind

ValueParser = Callable[[str], str]
_EMPTY: Mapping = MappingProxyType({})


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    #: canonical file name -> the vendor's file name (matched case-insensitively)
    files: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    #: canonical file name -> {vendor header: canonical column}
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: _EMPTY)
    #: column kind -> parser applied to every non-empty cell of that kind
    values: Mapping[Kind, ValueParser] = field(default_factory=lambda: _EMPTY)
    #: canonical column name -> {vendor value (lower-case): canonical value}
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: _EMPTY)

    def file_name(self, canonical: str) -> str:
        return self.files.get(canonical, canonical)

    def canonical_column(self, file: str, header: str) -> str:
        """The canonical name of a vendor header, matched without regard to case or
        surrounding spaces (unknown headers keep their name)."""
        mapping = self.columns.get(file, _EMPTY)
        name = header.strip()
        found = mapping.get(header, mapping.get(name))
        if found is None:
            folded = name.casefold()
            found = next((v for k, v in mapping.items() if k.strip().casefold() == folded), None)
        return found if found is not None else name

    def parse(self, *, kind: Kind, column: str, text: str) -> str:
        mapped = self.choices.get(column)
        if mapped is not None:
            text = mapped.get(text.strip().lower(), text)
        parser = self.values.get(kind)
        return parser(text) if parser is not None else text


CANONICAL = Profile(
    name="canonical",
    description="The canonical DMS interchange format, version 1 (UTF-8, ',', YYYY-MM-DD).",
)

_REGISTRY: dict[str, Profile] = {}


def register(profile: Profile) -> Profile:
    _REGISTRY[profile.name] = profile
    return profile


def get_profile(name: str) -> Profile:
    if name not in _REGISTRY:
        _load_shipped()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"unknown import profile {name!r}; known profiles: {known}") from None


def all_profiles() -> list[Profile]:
    _load_shipped()
    return sorted(_REGISTRY.values(), key=lambda p: p.name)


def _load_shipped() -> None:
    # The shipped vendor profiles register themselves when their module is imported.
    from dealerreach.ingest import vendor_profiles  # noqa: F401


register(CANONICAL)
