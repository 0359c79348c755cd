"""valuations.csv: a guide's values per VIN (for some cars) and per year/make/model/trim.

Valuations come from their own random stream, so adding or removing them never
changes the rest of the data.
"""

from __future__ import annotations

import random
from datetime import date

from dealerreach.testing.catalog import MODELS, Trim
from dealerreach.testing.output import GroupOutput
from dealerreach.testing.sampling import DayText
from dealerreach.testing.vehicles import Vehicle, kept_share, list_price, market_value

#: share of vehicles that get VIN valuations
VALUED_SHARE = 0.25
#: valuations are published on the first of the month, for this many months
MONTHS = 3
MODEL_YEARS = 12


def valuation_days(*, last: int, months: int = MONTHS) -> list[int]:
    """The first days of the last ``months`` months, up to ``last`` (an ordinal)."""
    d = date.fromordinal(last)
    found = []
    year, month = d.year, d.month
    for _ in range(months):
        found.append(date(year, month, 1).toordinal())
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(found)


class ValuationDesk:
    def __init__(self, *, seed: int, days: DayText, out: GroupOutput) -> None:
        self.rng = random.Random(f"valuations/{seed}")
        self.days = days
        self.out = out
        self.on = valuation_days(last=out.cutoff)

    def value_vehicle(self, vehicle: Vehicle, *, metric: bool) -> None:
        """VIN rows for about a quarter of vehicles, on the days the car existed."""
        if self.rng.random() >= VALUED_SHARE:
            return
        for day in self.on:
            if day >= vehicle.first_day:
                value = market_value(vehicle, day=day, metric=metric)
                self._write([vehicle.vin, "", "", "", ""], value=value, day=day)

    def value_models(self, *, countries: set[str]) -> None:
        """Model rows: every trim of every model sold in the group's countries."""
        today_year = self.days.year(self.out.last_day)
        for model in MODELS:
            if not countries.intersection(model.markets):
                continue
            for year in range(today_year - MODEL_YEARS, today_year + 1):
                if model.is_built(year):
                    for trim in model.trims:
                        self._model_rows(model.make, model.model, trim, year=year)

    def _model_rows(self, make: str, model: str, trim: Trim, *, year: int) -> None:
        msrp = list_price(trim, year)
        for day in self.on:
            years = max(self.days.year(day) - year + 0.5, 0.0)
            self._write(["", str(year), make, model, trim.name], value=msrp * kept_share(years),
                        day=day)

    def _write(self, cells: list[str], *, value: float, day: int) -> None:
        noisy = round(value * (0.97 + 0.06 * self.rng.random()) / 25) * 25
        self.out.write("valuations.csv", day, [*cells, f"{noisy:.2f}", self.days.date(day)])
