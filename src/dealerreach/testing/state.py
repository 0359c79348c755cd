"""What the generator keeps while it writes: the rooftops, their staff and counters.

Nothing here grows with the number of customers except the bounded used-car pools.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from dealerreach.testing.contact import EmailBook, PhoneBook
from dealerreach.testing.names import DE_FIRST_NAMES, DE_LAST_NAMES, US_FIRST_NAMES, US_LAST_NAMES
from dealerreach.testing.output import GroupOutput
from dealerreach.testing.places import RooftopTemplate
from dealerreach.testing.sampling import DayText, Weighted, draw_int
from dealerreach.testing.vehicles import VehicleFactory

#: staff a rooftop employs over ten years: (role, people, of whom stay the whole time)
STAFFING = (("sales", 14, 3), ("advisor", 7, 2), ("bdc", 6, 2))
POOL_LIMIT = 4_000
LEAD_SOURCES = {
    "US": (("website", 30), ("autotrader", 14), ("cars_com", 14), ("cargurus", 10),
           ("facebook", 9), ("phone", 13), ("walk_in", 10)),
    "DE": (("website", 30), ("mobile_de", 24), ("autoscout24", 18), ("facebook", 5),
           ("phone", 13), ("walk_in", 10)),
}


class Staff:
    """Who works which job when; looked up by month, so a lookup is cheap."""

    def __init__(self, rng: random.Random, *, country: str, first_day: int, last_day: int):
        self.first_day = first_day
        first = Weighted.ranked(DE_FIRST_NAMES if country == "DE" else US_FIRST_NAMES)
        last = Weighted.ranked(DE_LAST_NAMES if country == "DE" else US_LAST_NAMES)
        months = (last_day - first_day) // 30 + 1
        self._rotas: dict[str, list[list[str]]] = {}
        for role, people, veterans in STAFFING:
            rota: list[list[str]] = [[] for _ in range(months)]
            for n in range(people):
                name = f"{first.pick(rng)} {last.pick(rng)}"
                start = 0 if n < veterans else draw_int(rng, -24, months)
                stay = months if n < veterans else draw_int(rng, 12, 72)
                for m in range(max(start, 0), min(start + stay, months)):
                    rota[m].append(name)
            self._rotas[role] = [names or rota[0] for names in rota]

    def on_duty(self, rng: random.Random, *, role: str, day: int) -> str:
        """Someone working that job in the month of ``day`` (a day within the staff's years)."""
        names = self._rotas[role][(day - self.first_day) // 30]
        return names[int(rng.random() * len(names))]


@dataclass
class Rooftop:
    """One rooftop of the demo group, with its running numbers."""

    rooftop_id: str
    template: RooftopTemplate
    name: str
    staff: Staff
    share: float
    lead_sources: Weighted[str]
    internal_ids: tuple[str, str] | None = None
    next_customer: int = 1001
    next_deal: int = 20_001
    next_ro: int = 100_001
    #: used cars traded in or returned, waiting for a new owner (bounded)
    pool: list = field(default_factory=list)
    #: identities of recent customers, for household members to join (bounded)
    households: list = field(default_factory=list)
    country: str = field(init=False)
    is_metric: bool = field(init=False)
    language: str = field(init=False)

    def __post_init__(self) -> None:
        self.country = self.template.country
        self.is_metric = self.template.distance_unit == "km"
        self.language = "de" if self.country == "DE" else "en"

    def new_customer_id(self, *, avoid: str = "") -> str:
        number = str(self.next_customer)
        self.next_customer += 1
        return self.new_customer_id() if number == avoid else number

    def new_deal_id(self) -> str:
        self.next_deal += 1
        return str(self.next_deal - 1)

    def new_ro_number(self) -> str:
        self.next_ro += 1
        return str(self.next_ro - 1)


@dataclass
class Context:
    """Everything one generation run shares."""

    rng: random.Random
    days: DayText
    out: GroupOutput
    rooftops: list[Rooftop]
    #: the as-of date and the first day of the history, as ordinals
    today: int
    start: int
    vehicles: VehicleFactory
    phones: PhoneBook = field(default_factory=PhoneBook)
    emails: EmailBook = field(default_factory=EmailBook)
    #: RO line plans by kind (see service.line_plan)
    plans: dict = field(default_factory=dict)
    #: cars that leave a customer now and wait for resale: (rooftop, vehicle, day)
    pending_pool: list = field(default_factory=list)
    next_lead: int = 700_001
    next_serial: int = 1

    def new_lead_id(self) -> str:
        self.next_lead += 1
        return str(self.next_lead - 1)

    def new_serial(self) -> int:
        self.next_serial += 1
        return self.next_serial - 1

    def rooftops_in(self, country: str) -> list[Rooftop]:
        return [s for s in self.rooftops if s.country == country]
