"""The rooftops a demo group can have, and the places their customers live, as data.

Postal codes and cities are real; rooftop names and street addresses are made up.
Phone numbers are fictional by construction: US numbers use the 555 exchange, German
numbers the Bundesnetzagentur's "drama number" blocks (with a two-digit extension).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    postal_code: str
    city: str
    region: str
    #: inside the rooftop's market area
    inside: bool


@dataclass(frozen=True)
class RooftopTemplate:
    name: str
    address_line1: str
    city: str
    region: str
    postal_code: str
    country: str
    timezone: str
    distance_unit: str
    consent_regime: str
    #: makes the rooftop sells new (its franchises)
    franchises: tuple[str, ...]
    #: the region's telephone prefixes: US area codes, or a German area code and drama block
    phone_prefixes: tuple[str, ...]
    places: tuple[Place, ...]
    #: when set, the rooftop gives its market area as a radius instead of postal codes
    market_radius: int | None = None

    @property
    def market_postal_codes(self) -> tuple[str, ...]:
        return tuple(p.postal_code for p in self.places if p.inside)


def _places(region: str, inside: str, outside: str) -> tuple[Place, ...]:
    """Places from "12345 City; 23456 Other City" lists (a region may follow a "/")."""
    found = []
    for text, is_inside in ((inside, True), (outside, False)):
        for item in text.split(";"):
            code, _, city = item.strip().partition(" ")
            city, _, own_region = city.partition("/")
            found.append(Place(code, city.strip(), own_region.strip() or region, is_inside))
    return tuple(found)


US_ROOFTOPS: tuple[RooftopTemplate, ...] = (
    RooftopTemplate(
        "Lakeside Toyota", "6200 Sawmill Run Blvd", "Columbus", "OH", "43235", "US",
        "America/New_York", "mi", "opt_out", ("Toyota",),
        ("614", "380", "740", "937", "513", "419", "330", "216", "440", "567"),
        _places("OH", "43235 Columbus; 43017 Dublin; 43016 Dublin; 43220 Columbus; "
                      "43221 Upper Arlington; 43085 Worthington; 43081 Westerville",
                "43026 Hilliard; 43065 Powell; 43015 Delaware; 43123 Grove City; "
                "43230 Gahanna; 43068 Reynoldsburg; 43147 Pickerington")),
    RooftopTemplate(
        "Front Range Ford", "11800 W Colfax Ave", "Lakewood", "CO", "80215", "US",
        "America/Denver", "mi", "opt_out", ("Ford",),
        ("303", "720", "970", "719", "983"),
        _places("CO", "80215 Lakewood; 80226 Lakewood; 80227 Lakewood; 80228 Lakewood; "
                      "80401 Golden; 80033 Wheat Ridge; 80002 Arvada",
                "80301 Boulder; 80010 Aurora; 80120 Littleton; 80104 Castle Rock; "
                "80601 Brighton; 80204 Denver; 80219 Denver"),
        market_radius=25),
    RooftopTemplate(
        "Capital City Honda", "2350 Fulton Ave", "Sacramento", "CA", "95825", "US",
        "America/Los_Angeles", "mi", "opt_out", ("Honda",),
        ("916", "279", "530", "209", "707", "925", "510", "415"),
        _places("CA", "95825 Sacramento; 95815 Sacramento; 95821 Sacramento; "
                      "95864 Sacramento; 95608 Carmichael; 95610 Citrus Heights; "
                      "95628 Fair Oaks",
                "95661 Roseville; 95630 Folsom; 95624 Elk Grove; 95616 Davis; "
                "95670 Rancho Cordova; 95691 West Sacramento; 95677 Rocklin")),
    RooftopTemplate(
        "Riverbend Chevrolet GMC", "10400 W Dodge Rd", "Omaha", "NE", "68154", "US",
        "America/Chicago", "mi", "opt_out", ("Chevrolet", "GMC"),
        ("402", "531", "308", "712", "515"),
        _places("NE", "68154 Omaha; 68144 Omaha; 68124 Omaha; 68114 Omaha; 68130 Omaha; "
                      "68137 Omaha; 68127 Ralston",
                "68005 Bellevue; 68046 Papillion; 68022 Elkhorn; 51501 Council Bluffs/IA; "
                "68502 Lincoln; 68028 Gretna; 68104 Omaha")),
    RooftopTemplate(
        "Sonoran Hyundai", "1700 E Camelback Rd", "Phoenix", "AZ", "85016", "US",
        "America/Phoenix", "mi", "opt_out", ("Hyundai",),
        ("602", "480", "623", "520", "928"),
        _places("AZ", "85016 Phoenix; 85018 Phoenix; 85012 Phoenix; 85014 Phoenix; "
                      "85020 Phoenix; 85251 Scottsdale; 85008 Phoenix",
                "85281 Tempe; 85201 Mesa; 85301 Glendale; 85224 Chandler; 85233 Gilbert; "
                "85254 Scottsdale; 85308 Glendale")),
    RooftopTemplate(
        "Peachtree Kia", "3900 Peachtree Industrial Blvd", "Atlanta", "GA", "30319", "US",
        "America/New_York", "mi", "opt_out", ("Kia",),
        ("404", "470", "678", "770", "943", "706", "762", "912"),
        _places("GA", "30319 Atlanta; 30309 Atlanta; 30305 Atlanta; 30324 Atlanta; "
                      "30326 Atlanta; 30342 Atlanta; 30327 Atlanta",
                "30060 Marietta; 30062 Marietta; 30097 Duluth; 30043 Lawrenceville; "
                "30004 Alpharetta; 30080 Smyrna; 30030 Decatur")),
    RooftopTemplate(
        "Hill Country Jeep Ram", "9200 S Interstate 35", "Austin", "TX", "78748", "US",
        "America/Chicago", "mi", "opt_out", ("Jeep", "Ram"),
        ("512", "737", "210", "254", "361", "830", "979", "832", "713", "214"),
        _places("TX", "78748 Austin; 78745 Austin; 78749 Austin; 78704 Austin; "
                      "78735 Austin; 78739 Austin; 78652 Manchaca",
                "78701 Austin; 78613 Cedar Park; 78664 Round Rock; 78641 Leander; "
                "78610 Buda; 78626 Georgetown; 78666 San Marcos"),
        market_radius=30),
    RooftopTemplate(
        "Cascade Subaru", "14600 NE 20th St", "Bellevue", "WA", "98007", "US",
        "America/Los_Angeles", "mi", "opt_out", ("Subaru",),
        ("425", "206", "253", "360", "564", "509"),
        _places("WA", "98007 Bellevue; 98004 Bellevue; 98005 Bellevue; 98006 Bellevue; "
                      "98008 Bellevue; 98052 Redmond; 98033 Kirkland",
                "98101 Seattle; 98103 Seattle; 98027 Issaquah; 98055 Renton; 98201 Everett; "
                "98034 Kirkland; 98011 Bothell")),
)

GERMAN_ROOFTOP = RooftopTemplate(
    "Autohaus Rheinblick", "Aachener Straße 1140", "Köln", "NW", "50858", "DE",
    "Europe/Berlin", "km", "opt_in", ("Volkswagen", "Audi"),
    ("221 4710",),
    _places("NW", "50858 Köln; 50859 Köln; 50933 Köln; 50935 Köln; 50937 Köln; "
                  "50226 Frechen; 50827 Köln; 50829 Köln",
            "50667 Köln; 50354 Hürth; 50259 Pulheim; 50321 Brühl; 51065 Köln; 53111 Bonn; "
            "51373 Leverkusen; 52062 Aachen; 40210 Düsseldorf"),
)

#: prefixes of numbers from elsewhere (people keep their number when they move);
#: none of them is a rooftop's own prefix, so the two never hand out the same number
FARAWAY_PREFIXES: dict[str, tuple[str, ...]] = {
    "US": ("212", "312", "305", "617", "702", "615", "919", "503", "816", "317", "412", "215",
           "301", "504", "808", "907", "801", "414", "612", "313", "207", "802", "603", "401"),
    "DE": ("30 23125", "69 90009", "40 66969", "89 99998"),
}
