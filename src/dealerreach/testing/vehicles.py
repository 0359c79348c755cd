"""Vehicles: picking a make and model, building its VIN, its odometer, its value."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from dealerreach.testing.catalog import (
    MAKE_SHARE,
    MODELS,
    PLANTS,
    PRICE_DRIFT,
    PRICE_YEAR,
    TRIM_WEIGHTS,
    Model,
    Trim,
)
from dealerreach.testing.sampling import DayText, Weighted, draw_int
from dealerreach.testing.vins import VIN_LETTERS, SerialBook, build_vin

#: distance a car covers in a year, by the rooftop's unit: (typical low, typical high)
YEARLY_DISTANCE = {False: (7_000, 18_000), True: (9_000, 26_000)}
#: used cars on the lot are this many years old, by weight
USED_AGES = Weighted(((1, 10), (2, 18), (3, 20), (4, 16), (5, 12), (6, 9), (7, 7), (8, 5),
                     (9, 3), (11, 2), (13, 1)))
CPO_AGES = Weighted(((1, 30), (2, 30), (3, 22), (4, 12), (5, 6)))
#: every three-character filler for the vehicle descriptor (model codes have 2-3 characters)
FILLERS = [a + b + c for a in VIN_LETTERS for b in VIN_LETTERS for c in VIN_LETTERS]


@dataclass(slots=True, eq=False)
class Vehicle:
    vin: str
    model: Model
    trim: Trim
    year: int
    msrp: int
    in_service: int | None
    #: one odometer reading (day, value) and the distance covered per day since
    odo_day: int
    odo: float
    rate: float
    #: the first day any record names this VIN (decides the folder of its row)
    first_day: int = 10**9
    written: bool = False

    def odometer(self, day: int) -> int:
        """The reading on ``day`` (before the known reading: that reading, as on a lot)."""
        if day <= self.odo_day:
            return int(self.odo)
        return int(self.odo + self.rate * (day - self.odo_day))

    def restart(self, *, day: int, rate: float) -> None:
        """A new owner: the reading on ``day`` stays, the pace changes."""
        self.odo, self.odo_day, self.rate = self.odometer(day), day, rate

    def seen(self, day: int) -> None:
        if day < self.first_day:
            self.first_day = day

    def label(self) -> str:
        return f"{self.year} {self.model.make} {self.model.model} {self.trim.name}"


@lru_cache(maxsize=8192)
def list_price(trim: Trim, year: int) -> int:
    """The trim's list price in a model year (``PRICE_DRIFT`` a year from ``PRICE_YEAR``)."""
    return int(round(trim.msrp * (1 - PRICE_DRIFT) ** (PRICE_YEAR - year), -1))


def kept_share(years: float) -> float:
    """The share of its list price a car of this age is still worth (at usual distance)."""
    return max(1 - 0.16 * years if years < 1 else 0.84 * 0.87 ** (years - 1), 0.06)


def market_value(vehicle: Vehicle, *, day: int, metric: bool) -> float:
    """What the car is worth on ``day``: age and distance take their share."""
    years = max(day - (vehicle.in_service or day), 0) / 365.25
    expected = years * (20_000 if metric else 12_000)
    by_distance = 1 - 0.10 * (vehicle.odometer(day) - expected) / 50_000
    return max(vehicle.msrp * kept_share(years) * min(max(by_distance, 0.7), 1.12), 800.0)


class VehicleFactory:
    """Makes vehicles that fit a country, a year and a rooftop's franchises."""

    def __init__(self, rng: random.Random, *, days: DayText) -> None:
        self.rng = rng
        self.days = days
        self.serials = SerialBook()
        #: vehicles built since the caller last emptied this list
        self.built: list[Vehicle] = []
        self._markets: dict[tuple[str, int, tuple[str, ...]], Weighted[Model] | None] = {}
        self._trims = {m: Weighted(zip(m.trims, TRIM_WEIGHTS, strict=False)) for m in MODELS}

    def models(self, *, country: str, year: int,
               makes: tuple[str, ...] = ()) -> Weighted[Model] | None:
        """The models of a year, weighted by the make's share (first models of a make more)."""
        key = (country, year, makes)
        if key not in self._markets:
            share = MAKE_SHARE[country]
            pairs = []
            for rank_in_make, model in _ranked_by_make(country):
                if model.is_built(year) and (not makes or model.make in makes):
                    pairs.append((model, share.get(model.make, 1) / (rank_in_make + 2)))
            self._markets[key] = Weighted(pairs) if pairs else None
        return self._markets[key]

    def build(self, model: Model, *, year: int, day: int, km: float, metric: bool,
              country: str = "US") -> Vehicle:
        """A vehicle of ``model`` that shows ``km`` (or miles) on ``day``."""
        rng = self.rng
        trim = self._trims[model].pick(rng)
        wmis = plants_for(model, country)
        wmi = wmis[int(rng.random() * len(wmis))]
        filler = FILLERS[int(rng.random() * len(FILLERS))][:5 - len(model.code)]
        plants = PLANTS[model.make]
        vin = build_vin(wmi=wmi, descriptor=model.code + filler, year=year,
                        plant=plants[int(rng.random() * len(plants))],
                        serial=self.serials.next_serial(wmi=wmi, year=year))
        vehicle = Vehicle(vin, model, trim, year, list_price(trim, year), None,
                          day, km, self.yearly_rate(metric=metric) / 365.0)
        self.built.append(vehicle)
        return vehicle

    def yearly_rate(self, *, metric: bool) -> float:
        low, high = YEARLY_DISTANCE[metric]
        r = self.rng.random()
        return low + (high - low) * r * r if self.rng.random() < 0.7 else low + (high - low) * r

    def new_car(self, *, country: str, makes: tuple[str, ...], day: int,
                metric: bool) -> Vehicle | None:
        """A car off the truck: this model year or next, a few miles on it."""
        next_year = self.rng.random() < 0.5 and self.days.month(day) >= 8
        year = self.days.year(day) + int(next_year)
        market = self.models(country=country, year=year, makes=makes) or self.models(
            country=country, year=year - 1, makes=makes)
        if market is None:
            return None
        car = self.build(market.pick(self.rng), year=year, day=day, country=country,
                         km=float(draw_int(self.rng, 3, 40)), metric=metric)
        car.in_service = day
        return car

    def used_car(self, *, country: str, day: int, metric: bool, makes: tuple[str, ...] = (),
                 ages: Weighted[int] = USED_AGES) -> Vehicle | None:
        """A car some years old, with the distance such a car has covered."""
        age = ages.pick(self.rng)
        year = self.days.year(day) - age
        market = self.models(country=country, year=year, makes=makes)
        if market is None:
            return None
        in_service = max(day - int(365.25 * (age - 0.3 + self.rng.random() * 0.6)),
                         self.days.first)
        yearly = self.yearly_rate(metric=metric)
        car = self.build(market.pick(self.rng), year=year, day=day, country=country,
                         km=float(int(yearly * (day - in_service) / 365.0)), metric=metric)
        car.in_service = in_service
        return car


#: first characters of WMIs of European plants (the rest are American or Asian)
EUROPEAN_REGIONS = "STUVWXYZ"


@lru_cache(maxsize=512)
def plants_for(model: Model, country: str) -> tuple[str, ...]:
    """The model's WMIs, those of plants on the market's own continent when it has any."""
    european = tuple(w for w in model.wmis if w[0] in EUROPEAN_REGIONS)
    other = tuple(w for w in model.wmis if w[0] not in EUROPEAN_REGIONS)
    preferred = european if country == "DE" else other
    return preferred or model.wmis


def _ranked_by_make(country: str) -> list[tuple[int, Model]]:
    seen: dict[str, int] = {}
    ranked = []
    for model in MODELS:
        if country in model.markets:
            rank = seen.get(model.make, 0)
            seen[model.make] = rank + 1
            ranked.append((rank, model))
    return ranked
