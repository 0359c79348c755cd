"""Reading an import under a profile: encodings and header names."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealerreach.ingest.profiles import CANONICAL, get_profile
from dealerreach.ingest.source import ImportRefused, ImportSource
from dealerreach.ingest.spec import CUSTOMERS


def _source(tmp_path: Path, data: bytes, name: str = "customers.csv") -> Path:
    (tmp_path / name).write_bytes(data)
    return tmp_path


def test_utf8_file_under_a_windows_1252_profile_is_refused_not_garbled(tmp_path):
    german = get_profile("autoline-de")
    header = ";".join(k for k, v in german.columns["customers.csv"].items()
                      if v in ("customer_id", "rooftop_id", "last_name"))
    name = german.file_name("customers.csv")
    path = _source(tmp_path, f"{header}\n1;F1;Müller\n".encode(), name)
    with (pytest.raises(ImportRefused, match="is UTF-8 text, but profile autoline-de"),
          ImportSource(path, profile=german) as source):
        source.check_headers()


def test_vendor_headers_match_without_regard_to_case(tmp_path):
    german = get_profile("autoline-de")
    mapped = {v: k for k, v in german.columns["customers.csv"].items()}
    header = ";".join(mapped[c].upper() for c in ("customer_id", "rooftop_id"))
    path = _source(tmp_path, f"{header}\n1;F1\n".encode("cp1252"),
                   german.file_name("customers.csv"))
    with ImportSource(path, profile=german) as source:
        opened = source.open(CUSTOMERS)
        assert opened.columns == ["customer_id", "rooftop_id"]


def test_canonical_profile_reads_utf8_with_umlauts(tmp_path):
    path = _source(tmp_path, "customer_id,rooftop_id,last_name\nC1,R1,Müller\n".encode())
    with ImportSource(path, profile=CANONICAL) as source:
        rows = list(source.open(CUSTOMERS).rows)
    assert rows == [(2, ["C1", "R1", "Müller"])]
