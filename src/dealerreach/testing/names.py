"""Names, streets and companies for made-up customers and staff, as data.

Lists run from common to rare; the generator weights them by rank. E-mail domains sit
under the reserved ``.example`` top-level domain, so no address can reach anybody.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


US_FIRST_NAMES = _words(
    "James Mary Michael Jennifer Robert Linda John Patricia David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy "
    "Matthew Sandra Anthony Ashley Mark Emily Donald Donna Steven Michelle Andrew Carol Paul "
    "Amanda Joshua Melissa Kenneth Deborah Kevin Stephanie Brian Rebecca Timothy Laura Ronald "
    "Sharon Jason Cynthia George Kathleen Edward Amy Jeffrey Angela Ryan Shirley Jacob Brenda "
    "Nicholas Emma Gary Anna Eric Pamela Jonathan Nicole Stephen Samantha Larry Katherine "
    "Justin Christine Scott Debra Brandon Rachel Benjamin Carolyn Samuel Janet Gregory Maria "
    "Alexander Olivia Patrick Heather Frank Helen Raymond Catherine Jack Diane Dennis Julie "
    "Jerry Victoria Tyler Joyce Aaron Lauren Jose Kelly Adam Christina Nathan Ruth Henry Joan "
    "Zachary Virginia Douglas Judith Peter Evelyn Kyle Hannah Noah Andrea Ethan Megan Jeremy "
    "Cheryl Christian Jacqueline Walter Madison Keith Teresa Austin Abigail Roger Sophia "
    "Terry Martha Sean Sara Gerald Gloria Carl Janice Dylan Kathryn Harold Ann Jordan Isabella "
    "Jesse Judy Bryan Charlotte Lawrence Julia Arthur Grace Gabriel Amber Bruce Alice Logan "
    "Jean Billy Denise Joe Frances Alan Danielle Juan Marilyn Elijah Natalie Willie Beverly "
    "Albert Diana Wayne Brittany Randy Theresa Mason Kayla Vincent Alexis Liam Doris Roy "
    "Lori Bobby Tiffany Caleb Kimberly Bradley Mia Russell Ava Lucas Luis Priya Wei Nguyen "
    "Carlos Mohammed Aisha Hiroshi Mei Rajesh Fatima Diego Sofia Omar Leila Hector Xiomara"
)

US_LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart "
    "Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed "
    "Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray "
    "Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
    "Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales "
    "Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds "
    "Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar "
    "Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington "
    "Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson "
    "Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer "
    "Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt "
    "Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley "
    "Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott "
    "Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry "
    "Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence "
    "Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins Greene Nunez Wheeler "
    "Valdez Harper Burke Larson Santiago Maldonado Morrison Franklin Carlson Austin Dominguez "
    "Carr Lawson Jacobs O'Brien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey "
    "Williamson Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett "
    "Burton Fuller Wang Weber Welch Rojas Lucas Marquez Fields Park Yang Little Banks Padilla "
    "Day Walsh Bowman Schultz Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez "
    "Newman Pearson Curtis Cortez Douglas Schneider Joseph Barrett Navarro Figueroa Keller "
    "Avila Wade Molina Stanley Hopkins Campos Barnett Bates Chambers Caldwell Beck Lambert "
    "Miranda Byrd Craig Ayala Lowe Frazier Powers Neal Leonard Gregory Carrillo Sutton "
    "Fleming Rhodes Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel "
    "Moran Parks Steele Vaughn Becker Holt DeLeon Barker Terry Hale Leon Benson Haynes"
)

DE_FIRST_NAMES = _words(
    "Maria Thomas Michael Andreas Sabine Stefan Ursula Peter Monika Frank Petra Klaus "
    "Claudia Jürgen Susanne Wolfgang Andrea Christian Birgit Markus Gabriele Uwe Karin "
    "Matthias Stefanie Martin Julia Sebastian Katharina Alexander Anna Tobias Laura Jan "
    "Lena Daniel Sarah Florian Lisa Dirk Nicole Jörg Heike Bernd Anja Holger Melanie Ralf "
    "Tanja Lukas Sophie Jonas Marie Felix Leonie Maximilian Hannah Paul Johanna Niklas "
    "Emma Moritz Mia Björn Kerstin Günter Renate Hans Ingrid Dieter Brigitte Helmut Gisela "
    "Horst Elke Manfred Silke Volker Anke Rüdiger Dörte Kai Jana Ömer Ayşe Mehmet Elif "
    "Ahmet Zeynep Dimitrios Eleni Marco Giulia Piotr Katarzyna Ivan Olga"
)

DE_LAST_NAMES = _words(
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
    "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
    "Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler "
    "Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn "
    "Schubert Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann "
    "Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt "
    "Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte "
    "Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold "
    "Wolff Pfeiffer Jansen Hansen Kremer Lindner Nowak Yılmaz Kaya Demir Şahin Çelik "
    "Özdemir Papadopoulos Rossi Kowalski Wiśniewski Ivanov Nguyen"
)

#: formal first name -> the short form the same person gives at another rooftop
NICKNAMES = {
    "Robert": "Bob", "William": "Bill", "Elizabeth": "Liz", "Michael": "Mike",
    "James": "Jim", "Katherine": "Kate", "Jennifer": "Jen", "Christopher": "Chris",
    "Daniel": "Dan", "Thomas": "Tom", "Joseph": "Joe", "Richard": "Rick",
    "Matthew": "Matt", "Nicholas": "Nick", "Patricia": "Patty", "Samantha": "Sam",
    "Alexander": "Alex", "Benjamin": "Ben", "Jonathan": "Jon", "Katharina": "Kathi",
    "Maximilian": "Max", "Johanna": "Hanna", "Sebastian": "Basti", "Christian": "Chris",
}

US_STREET_NAMES = _words(
    "Maple Oak Pine Cedar Elm Washington Lake Hill Park Main Church Walnut Sunset Highland "
    "Ridge Meadow River Spring Lincoln Jefferson Franklin Madison Willow Chestnut Jackson "
    "Adams Cherry Dogwood Forest Hickory Magnolia Mill Prairie Valley Woodland Birch Aspen "
    "Sycamore Laurel Juniper Poplar Spruce Cypress Hawthorn Orchard Summit Canyon Creek "
    "Heritage Liberty Independence Colonial Meadowbrook Fairway Brookside Glen Stonegate"
)
US_STREET_SUFFIXES = (
    "St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way", "Pl", "Cir", "Trl", "Pkwy")
US_UNITS = ("Apt {n}", "Apt {n}B", "Unit {n}", "#{n}", "Suite {n}00")

DE_STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Dorfstraße",
    "Bergstraße", "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Goethestraße",
    "Schillerstraße", "Mozartstraße", "Friedrichstraße", "Am Markt", "Rosenweg", "Birkenweg",
    "Eichenweg", "Kölner Straße", "Aachener Straße", "Dürener Straße", "Luxemburger Straße",
    "Venloer Straße", "Neusser Straße", "Bonner Straße", "Zülpicher Straße", "Severinstraße",
    "Ehrenfeldgürtel", "Subbelrather Straße", "Berrenrather Straße", "Am Weiher",
    "Im Klapperhof", "Von-Werth-Straße", "Sülzgürtel", "Gleueler Straße", "Rhöndorfer Straße",
)
DE_UNITS = ("{n}. OG", "Hinterhaus", "Whg. {n}", "Erdgeschoss links")

US_MAIL_DOMAINS = (
    ("gmail.example", 40), ("yahoo.example", 14), ("outlook.example", 10),
    ("hotmail.example", 8), ("icloud.example", 8), ("aol.example", 4),
    ("comcast.example", 4), ("att.example", 3), ("msn.example", 2),
)
DE_MAIL_DOMAINS = (
    ("gmx.example", 22), ("web.example", 22), ("t-online.example", 14),
    ("gmail.example", 18), ("outlook.example", 6), ("freenet.example", 4),
    ("posteo.example", 3), ("icloud.example", 4),
)

US_TRADES = (
    "Plumbing", "Landscaping", "Roofing", "Electric", "Construction", "Dental Group",
    "Realty", "HVAC", "Logistics", "Catering", "Pest Control", "Flooring", "Auto Glass",
)
US_COMPANY_FORMS = ("LLC", "Inc.", "Co.", "& Sons", "Services LLC", "")
DE_TRADES = (
    "Bau", "Elektro", "Sanitär", "Dachdeckerei", "Malerbetrieb", "Gartenbau", "Pflegedienst",
    "Immobilien", "Logistik", "Catering", "Zahnarztpraxis", "Fliesen",
)
DE_COMPANY_FORMS = ("GmbH", "GmbH & Co. KG", "e.K.", "KG", "& Partner", "UG")
FLEETS_US = (
    "City of {city} Public Works", "{city} Unified School District", "{last} Rental Cars",
    "{city} Courier Services", "{last} Property Management",
)
FLEETS_DE = (
    "Stadtwerke {city}", "{last} Autovermietung", "Kurierdienst {city}",
    "{last} Hausverwaltung", "Pflegedienst {city}",
)
