"""Service operations (op codes) a rooftop writes on repair order lines, as data.

One set of tables per language, one table per group: ``service`` (everyday lines),
``warranty``, ``recall``, ``internal``, ``body``, ``parts``. Each row: op code |
description | labor range | parts range | weight | flags. Flags: ``d`` = a line customers are
often advised to do and decline; ``m3,4,10,11`` = only in those months (seasonal).
Amounts are in the rooftop's currency.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    code: str
    description: str
    group: str
    labor: tuple[int, int]
    parts: tuple[int, int]
    weight: int
    declinable: bool = False
    months: tuple[int, ...] = ()

    def is_offered_in(self, month: int) -> bool:
        return not self.months or month in self.months


def _range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def _row(line: str, *, group: str) -> Operation:
    code, description, labor, parts, weight, flags = (
        [cell.strip() for cell in line.split("|")] + [""])[:6]
    months: tuple[int, ...] = ()
    for flag in flags.split():
        if flag.startswith("m"):
            months = tuple(int(m) for m in flag[1:].split(","))
    return Operation(code, description, group, _range(labor), _range(parts), int(weight),
                     "d" in flags.split(), months)


def _tables(**groups: str) -> tuple[Operation, ...]:
    return tuple(_row(line, group=group) for group, text in groups.items()
                 for line in text.strip().splitlines() if line.strip())


ENGLISH = _tables(
    service="""
LOF    | Lube, oil and filter change                   | 35-55   | 30-55    | 30
SYN    | Full synthetic oil and filter change          | 40-60   | 55-95    | 18
MPI    | Multi-point inspection                        | 0       | 0        | 20
ROT    | Tire rotation and pressure check              | 25-40   | 0        | 14
TIRE4  | Mount and balance four new tires              | 90-140  | 520-1150 | 3  | d
ALIGN  | Four-wheel alignment                          | 110-170 | 0        | 3  | d
BRKF   | Replace front brake pads and resurface rotors | 160-260 | 90-220   | 5  | d
BRKR   | Replace rear brake pads                       | 130-210 | 70-180   | 3  | d
BATT   | Test and replace 12V battery                  | 25-45   | 150-260  | 3  | d
DIAG   | Diagnose check engine light                   | 140-200 | 0        | 4
CABIN  | Replace cabin air filter                      | 15-30   | 35-70    | 5  | d
ENGAIR | Replace engine air filter                     | 15-30   | 30-60    | 4  | d
WIPER  | Replace wiper blades                          | 10-20   | 30-60    | 3  | d
COOL   | Coolant system flush                          | 90-140  | 40-80    | 2  | d
TRANS  | Transmission fluid exchange                   | 120-180 | 80-140   | 2  | d
BFLUSH | Brake fluid flush                             | 90-130  | 20-40    | 2  | d
SPARK  | Replace spark plugs                           | 150-260 | 60-140   | 1  | d
AC     | A/C performance check and recharge            | 120-180 | 40-90    | 2  | d
30K    | 30,000-mile scheduled maintenance             | 220-320 | 90-180   | 3
60K    | 60,000-mile scheduled maintenance             | 380-520 | 160-320  | 2  | d
""",
    warranty="""
WWP   | Warranty: replace water pump                    | 280-420 | 180-320 | 3
WINFO | Warranty: reprogram infotainment module         | 90-150  | 0       | 4
WLEAK | Warranty: repair oil leak at valve cover gasket | 240-380 | 40-90   | 3
WO2   | Warranty: replace faulty oxygen sensor          | 110-170 | 120-220 | 2
WWIN  | Warranty: replace power window regulator        | 150-230 | 180-300 | 2
""",
    recall="""
23V456 | Recall 23V-456: replace low-pressure fuel pump     | 180-320 | 250-450 | 3
21V215 | Recall 21V-215: replace passenger air bag inflator | 120-200 | 150-300 | 3
22V790 | Recall 22V-790: update rearview camera software    | 60-100  | 0       | 4
24V118 | Recall 24V-118: inspect seat belt pretensioner     | 50-90   | 0-120   | 2
20V682 | Recall 20V-682: replace brake booster check valve  | 90-150  | 30-60   | 2
23V871 | Recall 23V-871: reprogram engine control module    | 60-110  | 0       | 3
""",
    internal="""
RECON  | Used vehicle reconditioning         | 250-700 | 80-900 | 5
SAFETY | Used vehicle safety inspection      | 90-160  | 0-120  | 3
PDI    | New vehicle pre-delivery inspection | 90-150  | 0-40   | 5
DETAIL | Detail and wash                     | 60-150  | 10-40  | 2
""",
    body="""
COLLF | Collision repair: front bumper cover and grille | 600-1800 | 350-1400 | 4
COLLR | Collision repair: rear bumper and tail lamp     | 500-1500 | 300-1100 | 3
PAINT | Refinish left rear quarter panel                | 450-1100 | 150-400  | 3
PDR   | Paintless dent repair                           | 150-450  | 0        | 3
WSHLD | Replace windshield and recalibrate camera       | 120-220  | 300-900  | 2
""",
    parts="""
PTSMAT  | Parts counter sale: all-weather floor mats | 0 | 120-220 | 4
PTSRACK | Parts counter sale: roof rack cross bars   | 0 | 250-480 | 2
PTSWIP  | Parts counter sale: wiper blades           | 0 | 30-60   | 3
PTSHTCH | Parts counter sale: trailer hitch          | 0 | 220-450 | 2
PTSKEY  | Parts counter sale: key fob                | 0 | 180-380 | 2
""",
)

GERMAN = _tables(
    service="""
OEL   | Ölwechsel mit Ölfilter                        | 45-75   | 40-90   | 28
INSP  | Inspektion nach Herstellervorgabe             | 180-320 | 60-180  | 20
CHECK | Sichtprüfung und Fahrzeugcheck                | 0       | 0       | 14
RDW   | Reifenwechsel Sommer/Winter inkl. Einlagerung | 45-80   | 0       | 90 | m3,4,10,11
REIF  | Vier neue Reifen montiert und gewuchtet       | 80-130  | 400-900 | 4  | d m3,4,10,11
ACHS  | Achsvermessung                                | 90-140  | 0       | 2  | d
BREMV | Bremsbeläge und Bremsscheiben vorne erneuert  | 150-240 | 180-380 | 5  | d
BREMH | Bremsbeläge hinten erneuert                   | 110-180 | 80-180  | 3  | d
BATT  | Batterie geprüft und erneuert                 | 25-45   | 140-260 | 3  | d
FDIAG | Fehlerdiagnose Motorkontrollleuchte           | 90-160  | 0       | 4
HU    | Hauptuntersuchung (HU/AU) durchgeführt        | 130-160 | 0       | 5
POLL  | Pollenfilter erneuert                         | 15-30   | 30-60   | 5  | d
KLIMA | Klimaservice mit Desinfektion                 | 80-130  | 30-60   | 3  | d
WISCH | Wischerblätter erneuert                       | 10-20   | 30-60   | 3  | d
BFL   | Bremsflüssigkeit gewechselt                   | 60-100  | 15-30   | 3  | d
ZR    | Zahnriemen mit Wasserpumpe erneuert           | 500-800 | 250-450 | 1  | d
""",
    warranty="""
GWP   | Garantie: Wasserpumpe erneuert                    | 280-420 | 180-320 | 3
GINFO | Garantie: Software-Update Infotainment            | 90-150  | 0       | 4
GLECK | Garantie: Ölundichtigkeit am Ventildeckel behoben | 240-380 | 40-90   | 3
GFH   | Garantie: Fensterheber erneuert                   | 150-230 | 180-300 | 2
""",
    recall="""
RR23A4 | Rückruf 23A4: Software-Update Motorsteuergerät       | 60-110  | 0       | 4
RR24C1 | Rückruf 24C1: Airbag-Gasgenerator Beifahrer erneuert | 120-200 | 150-300 | 3
RR22M7 | Rückruf 22M7: Software Rückfahrkamera aktualisiert   | 60-100  | 0       | 3
RR21N3 | Rückruf 21N3: Kraftstoffpumpe erneuert               | 180-320 | 250-450 | 2
""",
    internal="""
AUFB    | Gebrauchtwagenaufbereitung        | 250-700 | 80-900 | 5
GWCHK   | Gebrauchtwagen-Check              | 90-160  | 0-120  | 3
PDI     | Neuwagen-Auslieferungsinspektion  | 90-150  | 0-40   | 5
WAESCHE | Fahrzeugwäsche und Innenreinigung | 60-150  | 10-40  | 2
""",
    body="""
UNFV    | Unfallinstandsetzung Stoßfänger vorne           | 600-1800 | 350-1400 | 4
UNFH    | Unfallinstandsetzung Heckklappe und Rückleuchte | 500-1500 | 300-1100 | 3
LACK    | Lackierung Kotflügel hinten links               | 450-1100 | 150-400  | 3
DELLE   | Ausbeulen ohne Lackieren                        | 150-450  | 0        | 3
SCHEIBE | Windschutzscheibe erneuert, Kamera kalibriert   | 120-220  | 300-900  | 2
""",
    parts="""
TVMAT   | Teileverkauf: Fußmatten        | 0 | 120-220 | 4
TVDACH  | Teileverkauf: Dachträger       | 0 | 250-480 | 2
TVWISCH | Teileverkauf: Wischerblätter   | 0 | 30-60   | 3
TVAHK   | Teileverkauf: Anhängerkupplung | 0 | 220-450 | 2
TVKEY   | Teileverkauf: Ersatzschlüssel  | 0 | 180-380 | 2
""",
)

BY_LANGUAGE = {"en": ENGLISH, "de": GERMAN}
