"""Makes, models and trims the demo group sells and services, as data.

List prices are those of a current model year in the rooftop's currency; older model
years are priced down by ``PRICE_DRIFT`` a year. WMIs are real manufacturer
identifiers of the make (several per make: plants and body classes differ).
"""

from __future__ import annotations

from dataclasses import dataclass

#: list prices are for this model year; each year earlier costs this much less
PRICE_YEAR = 2025
PRICE_DRIFT = 0.03


@dataclass(frozen=True, eq=False)
class Trim:
    name: str
    msrp: int
    fuel_type: str = ""


@dataclass(frozen=True, eq=False)
class Model:
    make: str
    model: str
    body_type: str
    fuel_type: str
    wmis: tuple[str, ...]
    #: the first characters of the vehicle descriptor (VIN positions 4-8)
    code: str
    trims: tuple[Trim, ...]
    markets: tuple[str, ...] = ("US",)
    first_year: int = 1990
    last_year: int = 9999

    def is_built(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def _t(*trims: tuple) -> tuple[Trim, ...]:
    return tuple(Trim(*t) for t in trims)


US, DE, BOTH = ("US",), ("DE",), ("US", "DE")

MODELS: tuple[Model, ...] = (
    # Toyota
    Model("Toyota", "Camry", "sedan", "gasoline", ("4T1", "JTN"), "B1", _t(
        ("LE", 28400), ("SE", 30100), ("XLE", 33500), ("XSE", 35000),
        ("Hybrid LE", 30600, "hybrid"))),
    Model("Toyota", "Corolla", "sedan", "gasoline", ("2T1", "5YF", "JTD"), "BR", _t(
        ("L", 22000), ("LE", 22900), ("SE", 25500), ("Hybrid LE", 24500, "hybrid")), BOTH),
    Model("Toyota", "RAV4", "suv", "gasoline", ("2T3", "JTM"), "W1", _t(
        ("LE", 29800), ("XLE", 31400), ("XLE Premium", 34600), ("Adventure", 36200),
        ("Hybrid XSE", 38800, "hybrid"), ("Prime SE", 43700, "plug-in hybrid")), BOTH),
    Model("Toyota", "Highlander", "suv", "gasoline", ("5TD",), "ZR", _t(
        ("LE", 39500), ("XLE", 43200), ("Limited", 48000), ("Platinum", 51600))),
    Model("Toyota", "Tacoma", "pickup", "gasoline", ("3TM", "5TF"), "CZ", _t(
        ("SR", 31500), ("SR5", 35600), ("TRD Sport", 39900), ("TRD Off-Road", 42300))),
    Model("Toyota", "Tundra", "pickup", "gasoline", ("5TF",), "DY", _t(
        ("SR5", 46000), ("Limited", 54600), ("Platinum", 63400))),
    Model("Toyota", "Prius", "hatchback", "hybrid", ("JTD",), "KA", _t(
        ("LE", 28500), ("XLE", 31900), ("Limited", 35600)), BOTH),
    Model("Toyota", "Sienna", "minivan", "hybrid", ("5TD",), "YR", _t(
        ("LE", 39800), ("XLE", 45600), ("Platinum", 54000))),
    Model("Toyota", "4Runner", "suv", "gasoline", ("JTE",), "BU", _t(
        ("SR5", 41000), ("TRD Off-Road", 45800), ("Limited", 51500))),
    Model("Toyota", "Yaris", "hatchback", "hybrid", ("VNK", "JTD"), "KH", _t(
        ("Comfort", 23800), ("Team D", 26100)), DE),
    # Lexus
    Model("Lexus", "RX", "suv", "gasoline", ("2T2", "JTJ"), "HZ", _t(
        ("350", 50400), ("350h", 52600, "hybrid"), ("500h F Sport", 64800, "hybrid")), BOTH),
    Model("Lexus", "ES", "sedan", "gasoline", ("58A", "JTH"), "BZ", _t(
        ("250", 43000), ("350", 46000), ("300h", 45700, "hybrid")), US),
    Model("Lexus", "NX", "suv", "gasoline", ("JTJ",), "GK", _t(
        ("250", 41000), ("350h", 46500, "hybrid")), BOTH, 2015),
    # Honda
    Model("Honda", "Civic", "sedan", "gasoline", ("2HG", "19X"), "FC", _t(
        ("LX", 24300), ("Sport", 26100), ("EX", 28000), ("Touring", 31600))),
    Model("Honda", "Accord", "sedan", "gasoline", ("1HG",), "CV", _t(
        ("LX", 28500), ("EX", 30500), ("Sport Hybrid", 33200, "hybrid"),
        ("Touring Hybrid", 39300, "hybrid"))),
    Model("Honda", "CR-V", "suv", "gasoline", ("5J6", "2HK", "7FA"), "RW", _t(
        ("LX", 30900), ("EX", 33100), ("EX-L", 35600), ("Sport Hybrid", 34700, "hybrid")),
        BOTH),
    Model("Honda", "Pilot", "suv", "gasoline", ("5FN",), "YF", _t(
        ("Sport", 40700), ("EX-L", 44600), ("TrailSport", 49000), ("Elite", 53300))),
    Model("Honda", "Odyssey", "minivan", "gasoline", ("5FN",), "RL", _t(
        ("EX", 40000), ("EX-L", 43600), ("Touring", 47500))),
    Model("Honda", "HR-V", "suv", "gasoline", ("3CZ",), "RU", _t(
        ("LX", 25400), ("Sport", 27400), ("EX-L", 29400)), BOTH),
    # Ford
    Model("Ford", "F-150", "pickup", "gasoline", ("1FT",), "EW", _t(
        ("XL", 38800), ("XLT", 48800), ("Lariat", 62500), ("Platinum", 73500),
        ("Lightning Pro", 54800, "electric"))),
    Model("Ford", "Escape", "suv", "gasoline", ("1FM",), "CU", _t(
        ("Active", 30200), ("ST-Line", 32000), ("Platinum", 38600),
        ("PHEV", 41000, "plug-in hybrid"))),
    Model("Ford", "Explorer", "suv", "gasoline", ("1FM",), "SK", _t(
        ("Active", 40100), ("ST-Line", 45000), ("Platinum", 54300))),
    Model("Ford", "Mustang", "coupe", "gasoline", ("1FA",), "6P", _t(
        ("EcoBoost", 32500), ("GT", 44000), ("Dark Horse", 61000))),
    Model("Ford", "Edge", "suv", "gasoline", ("2FM",), "PK", _t(
        ("SE", 37000), ("SEL", 40000), ("ST", 46000)), US, 2007, 2024),
    Model("Ford", "Bronco", "suv", "gasoline", ("1FM",), "EE", _t(
        ("Base", 39600), ("Big Bend", 44500), ("Badlands", 52800)), US, 2021),
    Model("Ford", "Mustang Mach-E", "suv", "electric", ("3FM",), "TK", _t(
        ("Select", 39900), ("Premium", 46900), ("GT", 54900)), BOTH, 2021),
    Model("Ford", "Maverick", "pickup", "hybrid", ("3FT",), "TW", _t(
        ("XL", 26300), ("XLT", 29300), ("Lariat", 36400)), US, 2022),
    Model("Ford", "Fusion", "sedan", "gasoline", ("3FA",), "6P0", _t(
        ("S", 23200), ("SE", 25900), ("Titanium", 31500)), US, 2006, 2020),
    Model("Ford", "Focus", "hatchback", "gasoline", ("WF0",), "XX", _t(
        ("Trend", 27500), ("Titanium", 31000), ("ST-Line", 32500)), DE, 1999, 2025),
    Model("Ford", "Kuga", "suv", "gasoline", ("WF0",), "DX", _t(
        ("Titanium", 36000), ("ST-Line X", 41000), ("PHEV", 44000, "plug-in hybrid")), DE),
    # Chevrolet / GMC
    Model("Chevrolet", "Silverado 1500", "pickup", "gasoline", ("1GC", "3GC"), "UY", _t(
        ("WT", 38000), ("LT", 49000), ("RST", 54000), ("LTZ", 60000), ("High Country", 65000))),
    Model("Chevrolet", "Equinox", "suv", "gasoline", ("2GN", "3GN"), "AX", _t(
        ("LS", 27500), ("LT", 30000), ("RS", 33000), ("Premier", 34500))),
    Model("Chevrolet", "Malibu", "sedan", "gasoline", ("1G1",), "ZD", _t(
        ("LS", 25100), ("RS", 26700), ("LT", 27600), ("2LT", 30500)), US, 1997, 2024),
    Model("Chevrolet", "Tahoe", "suv", "gasoline", ("1GN",), "SK", _t(
        ("LS", 58200), ("LT", 63500), ("Z71", 68500), ("Premier", 73000))),
    Model("Chevrolet", "Traverse", "suv", "gasoline", ("1GN",), "ER", _t(
        ("LS", 39500), ("LT", 42000), ("Z71", 48000), ("RS", 54000))),
    Model("Chevrolet", "Bolt EV", "hatchback", "electric", ("1G1",), "FY", _t(
        ("1LT", 26500), ("2LT", 29800)), US, 2017, 2023),
    Model("Chevrolet", "Trax", "suv", "gasoline", ("KL7",), "LH", _t(
        ("LS", 21500), ("LT", 23400), ("Activ", 24900))),
    Model("GMC", "Sierra 1500", "pickup", "gasoline", ("1GT", "3GT"), "UU", _t(
        ("Pro", 40000), ("SLE", 50500), ("SLT", 60000), ("Denali", 72000))),
    Model("GMC", "Acadia", "suv", "gasoline", ("1GK",), "KN", _t(
        ("Elevation", 44000), ("AT4", 51000), ("Denali", 55000))),
    Model("GMC", "Terrain", "suv", "gasoline", ("3GK",), "AL", _t(
        ("SLE", 31000), ("SLT", 35000), ("Denali", 39500))),
    Model("GMC", "Yukon", "suv", "gasoline", ("1GK",), "S2", _t(
        ("SLE", 62000), ("SLT", 68000), ("Denali", 79000))),
    # Nissan
    Model("Nissan", "Altima", "sedan", "gasoline", ("1N4",), "BL", _t(
        ("S", 26500), ("SV", 28900), ("SR", 29600), ("SL", 33000))),
    Model("Nissan", "Rogue", "suv", "gasoline", ("5N1", "JN8"), "BT", _t(
        ("S", 29300), ("SV", 31000), ("SL", 36000), ("Platinum", 39700))),
    Model("Nissan", "Sentra", "sedan", "gasoline", ("3N1",), "AB", _t(
        ("S", 20600), ("SV", 21800), ("SR", 24000))),
    Model("Nissan", "Pathfinder", "suv", "gasoline", ("5N1",), "DR", _t(
        ("S", 36000), ("SV", 39000), ("Platinum", 49000))),
    Model("Nissan", "Frontier", "pickup", "gasoline", ("1N6",), "ED", _t(
        ("S", 31000), ("SV", 34000), ("PRO-4X", 40000))),
    Model("Nissan", "Leaf", "hatchback", "electric", ("1N4", "SJN"), "AZ", _t(
        ("S", 28100), ("SV Plus", 36200)), BOTH, 2011),
    Model("Nissan", "Qashqai", "suv", "gasoline", ("SJN",), "FA", _t(
        ("Acenta", 31000), ("N-Connecta", 34000), ("Tekna", 38000)), DE),
    # Hyundai / Kia
    Model("Hyundai", "Elantra", "sedan", "gasoline", ("5NP", "KMH"), "D8", _t(
        ("SE", 21600), ("SEL", 22900), ("Limited", 27000), ("Hybrid Blue", 25500, "hybrid"))),
    Model("Hyundai", "Sonata", "sedan", "gasoline", ("5NP", "KMH"), "E3", _t(
        ("SE", 26900), ("SEL", 28700), ("Limited", 34700))),
    Model("Hyundai", "Tucson", "suv", "gasoline", ("KM8", "5NM"), "J3", _t(
        ("SE", 27500), ("SEL", 29500), ("Limited", 36400), ("Hybrid Blue", 32500, "hybrid")),
        BOTH),
    Model("Hyundai", "Santa Fe", "suv", "gasoline", ("5NM",), "S2", _t(
        ("SE", 33500), ("SEL", 35800), ("Calligraphy", 47500))),
    Model("Hyundai", "Kona", "suv", "gasoline", ("KM8",), "K1", _t(
        ("SE", 24500), ("SEL", 26200), ("Electric SEL", 33500, "electric")), BOTH, 2018),
    Model("Hyundai", "Ioniq 5", "suv", "electric", ("KM8",), "KN", _t(
        ("SE", 42500), ("SEL", 46500), ("Limited", 53500)), BOTH, 2022),
    Model("Hyundai", "i30", "hatchback", "gasoline", ("TMA",), "H5", _t(
        ("Select", 24500), ("Trend", 27500), ("N Line", 30500)), DE),
    Model("Kia", "Forte", "sedan", "gasoline", ("3KP",), "F4", _t(
        ("LX", 20800), ("LXS", 21900), ("GT-Line", 23900)), US),
    Model("Kia", "Sorento", "suv", "gasoline", ("5XY",), "RK", _t(
        ("LX", 32000), ("S", 34500), ("SX", 40500), ("Hybrid EX", 39000, "hybrid")), BOTH),
    Model("Kia", "Sportage", "suv", "gasoline", ("KND", "5XY"), "PU", _t(
        ("LX", 28000), ("EX", 31000), ("X-Line", 35500), ("Hybrid SX", 38000, "hybrid")), BOTH),
    Model("Kia", "Telluride", "suv", "gasoline", ("5XY",), "P3", _t(
        ("LX", 37000), ("S", 40000), ("SX", 46000)), US, 2020),
    Model("Kia", "Soul", "hatchback", "gasoline", ("KND",), "J2", _t(
        ("LX", 20500), ("S", 23000), ("GT-Line", 23800))),
    Model("Kia", "EV6", "suv", "electric", ("KND",), "C3", _t(
        ("Light", 43000), ("Wind", 48000), ("GT-Line", 53000)), BOTH, 2022),
    Model("Kia", "Ceed", "hatchback", "gasoline", ("U5Y",), "H5", _t(
        ("Vision", 25000), ("Spirit", 28500), ("GT Line", 31000)), DE),
    # BMW / Mercedes-Benz
    Model("BMW", "3 Series", "sedan", "gasoline", ("WBA", "3MW"), "5R", _t(
        ("330i", 46000), ("330i xDrive", 48000), ("M340i", 58000),
        ("320d", 47000, "diesel")), BOTH),
    Model("BMW", "5 Series", "sedan", "gasoline", ("WBA",), "JE", _t(
        ("530i", 58000), ("540i xDrive", 67000), ("520d", 59000, "diesel")), BOTH),
    Model("BMW", "X3", "suv", "gasoline", ("5UX", "WBX"), "TR", _t(
        ("sDrive30i", 49000), ("xDrive30i", 51000), ("M40i", 63000),
        ("xDrive20d", 56000, "diesel")), BOTH),
    Model("BMW", "X5", "suv", "gasoline", ("5UX",), "CR", _t(
        ("sDrive40i", 66000), ("xDrive40i", 68500), ("xDrive50e", 73000, "plug-in hybrid")),
        BOTH),
    Model("BMW", "i4", "sedan", "electric", ("WBY",), "73", _t(
        ("eDrive35", 53000), ("eDrive40", 58000), ("M50", 70000)), BOTH, 2022),
    Model("Mercedes-Benz", "C-Class", "sedan", "gasoline", ("55S", "W1K", "WDD"), "WF", _t(
        ("C 300", 48000), ("C 300 4MATIC", 50000), ("C 220 d", 49000, "diesel")), BOTH),
    Model("Mercedes-Benz", "E-Class", "sedan", "gasoline", ("W1K", "WDD"), "ZF", _t(
        ("E 350", 63000), ("E 450 4MATIC", 70000), ("E 220 d", 61000, "diesel")), BOTH),
    Model("Mercedes-Benz", "GLC", "suv", "gasoline", ("W1N", "WDC"), "0G", _t(
        ("GLC 300", 50000), ("GLC 300 4MATIC", 52500), ("GLC 220 d", 55000, "diesel")), BOTH),
    Model("Mercedes-Benz", "GLE", "suv", "gasoline", ("4JG",), "FB", _t(
        ("GLE 350", 63000), ("GLE 450 4MATIC", 72000))),
    Model("Mercedes-Benz", "A-Class", "hatchback", "gasoline", ("W1K", "WDD"), "17", _t(
        ("A 180", 33000), ("A 200", 36000), ("A 250 e", 42000, "plug-in hybrid")), DE),
    # Volkswagen / Audi / Skoda / Opel
    Model("Volkswagen", "Jetta", "sedan", "gasoline", ("3VW",), "C7", _t(
        ("S", 22500), ("SE", 25500), ("SEL", 29500), ("GLI", 33000)), US),
    Model("Volkswagen", "Golf", "hatchback", "gasoline", ("WVW", "3VW"), "ZZ", _t(
        ("Life", 30500), ("Style", 35000), ("GTI", 41000), ("2.0 TDI", 34500, "diesel")),
        BOTH),
    Model("Volkswagen", "Tiguan", "suv", "gasoline", ("3VV", "WVG"), "B7", _t(
        ("S", 29500), ("SE", 32500), ("SEL R-Line", 39000), ("2.0 TDI", 41000, "diesel")),
        BOTH),
    Model("Volkswagen", "Atlas", "suv", "gasoline", ("1V2",), "R2", _t(
        ("SE", 39000), ("SEL", 47000), ("SEL Premium", 52000)), US, 2018),
    Model("Volkswagen", "Passat", "wagon", "gasoline", ("WVW", "1VW"), "ZZ3", _t(
        ("Business", 43000), ("Elegance", 49000), ("2.0 TDI", 46000, "diesel"),
        ("eHybrid", 52000, "plug-in hybrid")), BOTH),
    Model("Volkswagen", "ID.4", "suv", "electric", ("1V2", "WVG"), "VD", _t(
        ("Standard", 40000), ("Pro", 45000), ("Pro S", 50000)), BOTH, 2021),
    Model("Volkswagen", "Polo", "hatchback", "gasoline", ("WVW",), "AW", _t(
        ("Life", 21500), ("Style", 25000), ("GTI", 32000)), DE),
    Model("Volkswagen", "T-Roc", "suv", "gasoline", ("WVG",), "A1", _t(
        ("Life", 28500), ("Style", 32500), ("R-Line", 36000), ("2.0 TDI", 35500, "diesel")),
        DE, 2018),
    Model("Volkswagen", "ID.3", "hatchback", "electric", ("WVW",), "E1", _t(
        ("Pure", 37000), ("Pro", 41000), ("Pro S", 46000)), DE, 2020),
    Model("Volkswagen", "Transporter", "van", "diesel", ("WV1", "WV2"), "7H", _t(
        ("Kasten", 39000), ("Kombi", 44000), ("Multivan", 58000)), DE),
    Model("Audi", "A3", "sedan", "gasoline", ("WAU",), "GY", _t(
        ("Premium", 36000), ("Premium Plus", 40000), ("35 TDI", 38000, "diesel")), BOTH),
    Model("Audi", "A4", "sedan", "gasoline", ("WAU",), "EN", _t(
        ("Premium", 42000), ("Premium Plus", 47000), ("40 TDI", 47000, "diesel")), BOTH),
    Model("Audi", "A6", "sedan", "gasoline", ("WAU",), "D2", _t(
        ("Premium", 58000), ("Prestige", 67000), ("45 TDI", 62000, "diesel")), BOTH),
    Model("Audi", "Q3", "suv", "gasoline", ("WA1",), "DA", _t(
        ("Premium", 39000), ("S line", 43000), ("35 TDI", 41000, "diesel")), BOTH),
    Model("Audi", "Q5", "suv", "gasoline", ("WA1",), "AN", _t(
        ("Premium", 47000), ("Premium Plus", 52000), ("55 TFSI e", 60000, "plug-in hybrid"),
        ("40 TDI", 56000, "diesel")), BOTH),
    Model("Audi", "Q4 e-tron", "suv", "electric", ("WA1",), "F4", _t(
        ("Premium", 50000), ("Prestige", 60000)), BOTH, 2022),
    Model("Skoda", "Octavia", "wagon", "gasoline", ("TMB",), "NE", _t(
        ("Essence", 30000), ("Selection", 35000), ("RS", 45000), ("2.0 TDI", 36000, "diesel")),
        DE),
    Model("Skoda", "Fabia", "hatchback", "gasoline", ("TMB",), "PJ", _t(
        ("Essence", 19500), ("Selection", 23500)), DE),
    Model("Skoda", "Kodiaq", "suv", "gasoline", ("TMB",), "NS", _t(
        ("Selection", 42000), ("Sportline", 48000), ("2.0 TDI", 46000, "diesel")), DE, 2017),
    Model("Skoda", "Enyaq", "suv", "electric", ("TMB",), "5A", _t(
        ("60", 46000), ("85", 52000)), DE, 2021),
    Model("Opel", "Corsa", "hatchback", "gasoline", ("W0L", "VXK"), "UB", _t(
        ("Edition", 21000), ("GS", 25000), ("Electric", 33000, "electric")), DE),
    Model("Opel", "Astra", "hatchback", "gasoline", ("W0L", "W0V"), "BC", _t(
        ("Edition", 28000), ("GS", 33000), ("Sports Tourer", 31000)), DE),
    Model("Opel", "Mokka", "suv", "gasoline", ("W0V",), "UK", _t(
        ("Edition", 27000), ("GS", 31000)), DE, 2013),
    # Subaru / Jeep / Ram / Tesla
    Model("Subaru", "Outback", "wagon", "gasoline", ("4S4",), "BT", _t(
        ("Base", 29000), ("Premium", 31500), ("Limited", 37500), ("Wilderness", 41000)), BOTH),
    Model("Subaru", "Forester", "suv", "gasoline", ("JF2",), "SK", _t(
        ("Base", 28000), ("Premium", 30500), ("Sport", 33000), ("Touring", 37500)), BOTH),
    Model("Subaru", "Crosstrek", "suv", "gasoline", ("JF2",), "GT", _t(
        ("Base", 25500), ("Premium", 27000), ("Sport", 30500)), BOTH, 2013),
    Model("Subaru", "Impreza", "hatchback", "gasoline", ("JF1", "4S3"), "GU", _t(
        ("Base", 23000), ("Sport", 26000), ("RS", 29000))),
    Model("Subaru", "Ascent", "suv", "gasoline", ("4S4",), "WM", _t(
        ("Premium", 37000), ("Limited", 43500), ("Touring", 48500)), US, 2019),
    Model("Jeep", "Wrangler", "suv", "gasoline", ("1C4",), "HJ", _t(
        ("Sport", 33000), ("Sahara", 45000), ("Rubicon", 48000),
        ("4xe", 51000, "plug-in hybrid")), BOTH),
    Model("Jeep", "Grand Cherokee", "suv", "gasoline", ("1C4",), "RJ", _t(
        ("Laredo", 40000), ("Limited", 47000), ("Overland", 57000), ("Summit", 63000))),
    Model("Jeep", "Cherokee", "suv", "gasoline", ("1C4",), "PJ", _t(
        ("Latitude", 30000), ("Limited", 35000), ("Trailhawk", 37000)), US, 1990, 2023),
    Model("Jeep", "Compass", "suv", "gasoline", ("3C4",), "NJ", _t(
        ("Sport", 28000), ("Latitude", 31000), ("Limited", 35000)), BOTH),
    Model("Ram", "1500", "pickup", "gasoline", ("1C6", "3C6"), "SR", _t(
        ("Tradesman", 41000), ("Big Horn", 47000), ("Laramie", 58000), ("Limited", 70000))),
    Model("Ram", "2500", "pickup", "diesel", ("3C6",), "UR", _t(
        ("Tradesman", 47000), ("Big Horn", 52000), ("Laramie", 63000))),
    Model("Ram", "ProMaster", "van", "gasoline", ("3C6",), "TR", _t(
        ("1500 Cargo", 45000), ("2500 High Roof", 49000))),
    Model("Tesla", "Model 3", "sedan", "electric", ("5YJ", "LRW"), "3E", _t(
        ("Standard Range", 40000), ("Long Range", 47500), ("Performance", 54000)), BOTH, 2017),
    Model("Tesla", "Model Y", "suv", "electric", ("7SA", "5YJ", "XP7"), "YG", _t(
        ("Long Range", 48000), ("Performance", 52000)), BOTH, 2020),
    Model("Tesla", "Model S", "sedan", "electric", ("5YJ",), "SA", _t(
        ("Long Range", 75000), ("Plaid", 90000)), US, 2012),
    Model("Tesla", "Model X", "suv", "electric", ("5YJ", "7SA"), "XC", _t(
        ("Long Range", 80000), ("Plaid", 95000)), US, 2016),
)

#: plant codes (VIN position 11) seen per make
PLANTS: dict[str, str] = {
    "Toyota": "JUCRX", "Lexus": "ACU", "Honda": "ALEHU", "Ford": "FKRLE", "Chevrolet": "FZJB",
    "GMC": "ZJGF", "Nissan": "NCTW", "Hyundai": "HUA", "Kia": "GT7", "BMW": "FNK",
    "Mercedes-Benz": "AFRN", "Volkswagen": "MWPK", "Audi": "ANR", "Skoda": "0587",
    "Opel": "EBGS", "Subaru": "3HGL", "Jeep": "WTCD", "Ram": "NGE", "Tesla": "FAC",
}

#: how often a make turns up as a used car or a car bought elsewhere, per country
MAKE_SHARE: dict[str, dict[str, int]] = {
    "US": {
        "Toyota": 14, "Ford": 13, "Chevrolet": 13, "Honda": 10, "Nissan": 8, "Jeep": 6,
        "Hyundai": 6, "Kia": 5, "Ram": 5, "GMC": 4, "Subaru": 4, "BMW": 3,
        "Mercedes-Benz": 3, "Volkswagen": 3, "Lexus": 2, "Audi": 2, "Tesla": 2,
    },
    "DE": {
        "Volkswagen": 22, "Mercedes-Benz": 11, "BMW": 10, "Audi": 9, "Opel": 8,
        "Skoda": 8, "Ford": 6, "Hyundai": 4, "Toyota": 4, "Kia": 4, "Tesla": 2, "Nissan": 2,
    },
}

#: how often each trim of a model is chosen, cheapest (first listed) trim first
TRIM_WEIGHTS = (30, 30, 20, 12, 8, 6)
