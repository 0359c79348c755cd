"""Vehicle identification numbers (ISO 3779, with the North American check digit).

A VIN is WMI (3) + vehicle descriptor (5) + check digit (position 9) + model year
(position 10) + plant (11) + serial (12-17). The letters I, O and Q never appear.
"""

from __future__ import annotations

from operator import mul

#: characters a VIN may hold, and the value each counts for in the check digit
TRANSLITERATION: dict[str, int] = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
#: weight of each position 1-17 (position 9, the check digit itself, weighs 0)
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
#: the model-year character repeats every 30 years; 1980 and 2010 are both "A"
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
CHECK_CHARACTERS = "0123456789X"
SERIAL_SPACE = 1_000_000


def check_digit(vin: str) -> str:
    """The check digit of a 17-character VIN (its position 9 is not read)."""
    if len(vin) != 17:
        raise ValueError(f"a VIN has 17 characters, not {len(vin)}: {vin!r}")
    total = sum(map(mul, map(TRANSLITERATION.__getitem__, vin.upper()), WEIGHTS))
    return CHECK_CHARACTERS[total % 11]


def year_code(year: int) -> str:
    """The position-10 character of a model year."""
    return YEAR_CODES[(year - 1980) % 30]


def build_vin(*, wmi: str, descriptor: str, year: int, plant: str, serial: int) -> str:
    """A valid VIN from its parts; ``serial`` is 0-999999."""
    body = f"{wmi}{descriptor}0{year_code(year)}{plant}{serial:06d}"
    return f"{body[:8]}{check_digit(body)}{body[9:]}"


def is_valid_vin(vin: str) -> bool:
    """17 allowed characters with the right check digit (case-insensitive)."""
    vin = vin.upper()
    if len(vin) != 17 or any(ch not in TRANSLITERATION for ch in vin):
        return False
    return vin[8] == check_digit(vin)


class SerialBook:
    """Hands out serial numbers that never repeat within one WMI and model year.

    Two VINs that differ in WMI, model year or serial are different VINs, so every VIN
    built from a serial of this book is unique. The serials are scattered (a fixed
    odd stride through 0-999999) so that they do not read 000001, 000002, ...
    """

    STRIDE = 387_211  # coprime with 1,000,000: visits every serial before repeating

    def __init__(self) -> None:
        self._issued: dict[tuple[str, int], int] = {}

    def next_serial(self, *, wmi: str, year: int) -> int:
        key = (wmi, year)
        n = self._issued.get(key, 0)
        if n >= SERIAL_SPACE:
            raise OverflowError(f"more than {SERIAL_SPACE:,} VINs for {wmi} {year}")
        self._issued[key] = n + 1
        offset = (ord(wmi[0]) + ord(wmi[1]) * 3 + ord(wmi[2]) * 7) * 7_919 + year * 104_729
        return (offset + n * self.STRIDE) % SERIAL_SPACE
