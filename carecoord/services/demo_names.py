"""Fictional names, places and clinicians for demo data, kept apart so demo.py reads as logic."""

from __future__ import annotations

from typing import Final, NamedTuple

from carecoord.clinical.vocabulary import Discipline

D = Discipline


class Culture(NamedTuple):
    """A naming tradition: its language, given names by sex, family names, relative weight."""

    language: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    weight: int
    female_middle: str | None = None
    male_middle: str | None = None


CULTURES: Final[tuple[Culture, ...]] = (
    Culture(
        "English",
        (
            "Emily",
            "Sarah",
            "Jessica",
            "Ashley",
            "Megan",
            "Rachel",
            "Hannah",
            "Olivia",
            "Grace",
            "Abigail",
            "Madison",
            "Lauren",
            "Brianna",
            "Caitlin",
            "Dorothy",
            "Margaret",
            "Linda",
            "Barbara",
            "Patricia",
            "Susan",
            "Zoë",
            "Renée",
            "Chloë",
        ),
        (
            "James",
            "Michael",
            "Robert",
            "David",
            "William",
            "Joseph",
            "Thomas",
            "Daniel",
            "Matthew",
            "Andrew",
            "Ryan",
            "Tyler",
            "Kevin",
            "Brian",
            "Gary",
            "Dennis",
            "Harold",
            "Walter",
            "Eugene",
            "Raymond",
            "Noël",
        ),
        (
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Miller",
            "Davis",
            "Wilson",
            "Anderson",
            "Taylor",
            "Thomas",
            "Moore",
            "Jackson",
            "Martin",
            "Thompson",
            "White",
            "Harris",
            "Clark",
            "Lewis",
            "Walker",
            "Hall",
            "Young",
            "Allen",
            "Wright",
            "Hill",
            "Scott",
            "Green",
            "Baker",
            "Adams",
            "Nelson",
            "Carter",
            "Mitchell",
            "Roberts",
            "Turner",
            "Phillips",
            "Campbell",
            "Parker",
            "Evans",
            "Edwards",
            "Collins",
        ),
        32,
    ),
    Culture(
        "English",
        ("Siobhán", "Aoife", "Niamh", "Róisín", "Saoirse", "Orla", "Caoimhe"),
        ("Seán", "Ciarán", "Pádraig", "Eoin", "Darragh", "Cormac", "Tadhg"),
        (
            "O'Brien",
            "O'Connor",
            "O'Sullivan",
            "McCarthy",
            "Gallagher",
            "Ó Súilleabháin",
            "MacNamara",
            "Fitzgerald",
            "O'Donoghue",
        ),
        5,
    ),
    Culture(
        "Spanish",
        (
            "María José",
            "Rocío",
            "Lucía",
            "Ximena",
            "Guadalupe",
            "Sofía",
            "Itzel",
            "Maricela",
            "Inés",
            "Begoña",
            "Zoë",
        ),
        (
            "José Luis",
            "Jesús",
            "Joaquín",
            "Andrés",
            "Santiago",
            "Mateo",
            "Ramón",
            "Rubén",
            "Iñaki",
            "Óscar",
        ),
        (
            "Núñez",
            "Muñoz",
            "García",
            "Hernández",
            "López",
            "Martínez",
            "Rodríguez",
            "González",
            "Pérez",
            "Sánchez",
            "Ramírez",
            "Torres",
            "Flores",
            "Gutiérrez",
            "Jiménez",
            "Álvarez",
            "Peña",
            "Ibáñez",
            "Domínguez",
            "Muñoz-García",
            "Ortiz-Beltrán",
        ),
        16,
    ),
    Culture(
        "Vietnamese",
        ("Hoa", "Lan", "Mai", "Thảo", "Ngọc Anh", "Hương", "Phương", "Trang"),
        ("Minh", "Tuấn", "Dũng", "Quang", "Huy", "Đức", "Bảo", "Long"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng", "Bùi"),
        5,
        "Thị",
        "Văn",
    ),
    Culture(
        "Polish",
        ("Małgorzata", "Agnieszka", "Katarzyna", "Zofia", "Jadwiga", "Bożena"),
        ("Łukasz", "Paweł", "Wojciech", "Grzegorz", "Jerzy", "Michał"),
        (
            "Wróbel",
            "Nowak",
            "Król",
            "Wójcik",
            "Kaczmarek",
            "Mazur",
            "Kowalczyk",
            "Zając",
            "Pawlak",
            "Sikora",
        ),
        4,
    ),
    Culture(
        "Norwegian",
        ("Ingrid", "Sigrid", "Åsa", "Solveig", "Kjersti", "Liv"),
        ("Søren", "Bjørn", "Håkon", "Anders", "Jørgen", "Øystein"),
        ("Ødegaard", "Johansen", "Lindqvist", "Bjørnstad", "Åberg", "Sæther", "Haugen", "Nygård"),
        3,
    ),
    Culture(
        "French",
        ("Amélie", "Élodie", "Geneviève", "Chloé", "Hélène", "Maëlle", "Françoise"),
        ("François", "Étienne", "Jérôme", "Benoît", "Loïc", "Rémi"),
        ("Côté", "Gagnon", "Tremblay", "Bélanger", "Lefèvre", "Després", "Lévesque", "Pelletier"),
        4,
    ),
    Culture(
        "German",
        ("Annika", "Brigitte", "Ursula", "Lieselotte", "Jördis"),
        ("Jürgen", "Günther", "Matthias", "Stefan", "Jörg"),
        ("Müller", "Schäfer", "Groß", "Krüger", "Weiß", "Köhler", "Böhm", "Hoffmann"),
        3,
    ),
    Culture(
        "Mandarin",
        ("Xiuying", "Jing", "Meiling", "Yan", "Lihua"),
        ("Wei", "Jian", "Hao", "Zhiwei", "Jun"),
        ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Zhou", "Wu"),
        4,
    ),
    Culture(
        "Korean",
        ("Ji-woo", "Seo-yeon", "Min-ji", "Ha-eun"),
        ("Min-jun", "Seo-jun", "Ji-ho", "Do-yun"),
        ("Kim", "Park", "Choi", "Jung", "Kang", "Yoon"),
        3,
    ),
    Culture(
        "Arabic",
        ("Fatima", "Aisha", "Layla", "Noor", "Yasmin"),
        ("Omar", "Yusuf", "Karim", "Tariq", "Khalid"),
        ("Haddad", "Al-Sayed", "Khoury", "Nasser", "Mansour", "El-Amin", "Aziz"),
        3,
    ),
    Culture(
        "Hindi",
        ("Priya", "Ananya", "Lakshmi", "Deepika", "Kavya"),
        ("Arjun", "Rahul", "Vikram", "Sanjay", "Rohan"),
        ("Patel", "Sharma", "Iyer", "Reddy", "Nair", "Gupta", "Krishnan"),
        4,
    ),
    Culture(
        "Turkish",
        ("Ayşe", "Gülşen", "Şebnem", "Elif"),
        ("Çağrı", "Oğuz", "Mehmet", "Emre"),
        ("Yılmaz", "Öztürk", "Çelik", "Şahin", "Aydın", "Doğan"),
        2,
    ),
    Culture(
        "Tagalog",
        ("Maricel", "Rowena", "Jocelyn", "Luzviminda"),
        ("Rommel", "Jericho", "Danilo", "Florencio"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Dela Cruz", "Villanueva"),
        3,
    ),
    Culture(
        "Ukrainian",
        ("Oksana", "Olena", "Kateryna", "Iryna"),
        ("Taras", "Bohdan", "Andriy", "Oleksandr"),
        ("Petrenko", "Kovalenko", "Shevchenko", "Bondarenko", "Melnyk", "Tkachenko"),
        2,
    ),
    Culture(
        "Yoruba",
        ("Adaeze", "Chiamaka", "Folake", "Ngozi", "Oluwadamilola"),
        ("Chinedu", "Oluwaseun", "Emeka", "Tunde", "Babajide"),
        ("Okafor", "Adeyemi", "Okonkwo", "Nwosu", "Balogun", "Eze"),
        3,
    ),
    Culture(
        "Portuguese",
        ("Conceição", "Graça", "Luísa", "Joana"),
        ("João", "Sebastião", "Gonçalo", "Tiago"),
        ("Gonçalves", "Magalhães", "Araújo", "Simões", "Conceição"),
        2,
    ),
    Culture(
        "Hungarian",
        ("Zsófia", "Erzsébet", "Réka"),
        ("Gábor", "Zoltán", "László"),
        ("Szabó", "Kovács", "Tóth", "Horváth", "Nagy"),
        2,
    ),
    Culture(
        "English",
        ("Leilani", "Kalani", "Malia"),
        ("Keoni", "Makoa", "Kaimana"),
        ("Kahananui", "Akana", "Kealoha", "Nāone"),
        1,
    ),
)

SHOWCASE_PATIENTS: Final[tuple[tuple[str, str, str | None, str, str], ...]] = (
    # (given, family, middle, sex, preferred language): the first patients, so every demo
    # database shows names that test Unicode search, sorting and PDF fonts.
    ("Zoë", "Ñúñez", None, "female", "Spanish"),
    ("Łukasz", "Wróbel", None, "male", "Polish"),
    ("Hoa", "Nguyễn", "Thị", "female", "Vietnamese"),
    ("Søren", "Ødegaard", None, "male", "Norwegian"),
    ("Amélie", "Côté", None, "female", "French"),
    ("Siobhán", "O'Brien", None, "female", "English"),
    ("Rocío", "Muñoz-García", None, "female", "Spanish"),
    ("Jürgen", "Groß", None, "male", "German"),
)

STREETS: Final = (
    "Alder Hollow Road",
    "Juniper Terrace",
    "Quillback Lane",
    "Marrowstone Avenue",
    "Tillicum Street",
    "Bramblewood Drive",
    "Osprey Bend",
    "Lantern Row",
    "Fernhaven Court",
    "Cobalt Ridge Road",
    "Wickersham Way",
    "Heronwood Place",
    "Saltgrass Boulevard",
    "Thimbleberry Loop",
    "Larkmoor Street",
    "Pennyroyal Avenue",
    "Driftstone Circle",
    "Kestrel Hill Road",
    "Mossy Gate Lane",
    "Starling Commons",
)
CITIES: Final = (
    ("Riverside Falls", "OR", "97990"),
    ("Millbridge", "OR", "97991"),
    ("Elmstead", "WA", "98990"),
    ("Harrow Point", "WA", "98991"),
    ("Larkspur Valley", "OR", "97992"),
    ("Brookhaven Junction", "OR", "97993"),
    ("Cedarmoor", "WA", "98992"),
)
AREA_CODES: Final = ("503", "971", "360", "541")

PAYERS: Final = (
    "Evergreen Health Plan",
    "Cascade Mutual Health",
    "Summit Care Alliance",
    "Bluewater Health Cooperative",
    "Harborview Assurance",
    "Pinecrest Medicare Advantage",
    "Medicare Part B",
    "State Medicaid (Willamette CCO)",
)

CLINIC_NAME: Final = "Riverside Pain & Function Center"
CLINIC_ORGANISATION: Final = CLINIC_NAME
CLINIC_ADDRESS: Final = "1200 Willowbend Parkway, Suite 300\nRiverside Falls, OR 97990"
CLINIC_PHONE: Final = "(503) 555-0100"
CLINIC_FAX: Final = "(503) 555-0101"
CLINIC_EMAIL: Final = "frontdesk@riverside-pain.example.org"
CLINIC_DOMAIN: Final = "riverside-pain.example.org"


class MemberSpec(NamedTuple):
    """One fictional clinician for the team directory."""

    given: str
    family: str
    credentials: str
    discipline: Discipline
    specialty: str
    board: str | None
    organisation: str | None = None  # None: internal, works at the clinic
    active: bool = True
    notes: str | None = None


ABA_PAIN = "American Board of Anesthesiology (Pain Medicine)"
ABPMR = "American Board of Physical Medicine and Rehabilitation"
ABPN = "American Board of Psychiatry and Neurology"

MEMBERS: Final[tuple[MemberSpec, ...]] = (
    MemberSpec("Hana", "Lee", "MD", D.PAIN_MEDICINE, "Pain medicine", ABA_PAIN),
    MemberSpec(
        "Rafael", "Ortega-Lind", "DO", D.PAIN_MEDICINE, "Pain medicine", ABPMR + " (Pain Medicine)"
    ),
    MemberSpec("Priyanka", "Raman", "MD", D.PAIN_MEDICINE, "Pain medicine", ABA_PAIN),
    MemberSpec(
        "Tomasz", "Zieliński", "MD", D.PAIN_MEDICINE, "Pain medicine", ABPN + " (Pain Medicine)"
    ),
    MemberSpec(
        "Adaora", "Nwachukwu", "MD", D.PAIN_MEDICINE, "Pain and palliative medicine", ABA_PAIN
    ),
    MemberSpec("Colette", "Fairbanks", "MD", D.PHYSICAL_REHABILITATION, "PM&R", ABPMR),
    MemberSpec("Desmond", "Achterberg", "DO", D.PHYSICAL_REHABILITATION, "PM&R, spine", ABPMR),
    MemberSpec("Inês", "Carvalho", "MD", D.PHYSICAL_REHABILITATION, "PM&R, musculoskeletal", ABPMR),
    MemberSpec("Miriam", "Oyelaran", "MD", D.PSYCHIATRY, "Psychiatry (pain and mood)", ABPN),
    MemberSpec(
        "Anton", "Vasquez-Hale", "MD", D.PSYCHIATRY, "Consultation-liaison psychiatry", ABPN
    ),
    MemberSpec(
        "Keiko",
        "Tanabe",
        "MD",
        D.PSYCHIATRY,
        "Addiction psychiatry",
        ABPN + " (Addiction)",
        "Harborline Behavioral Health",
    ),
    MemberSpec(
        "Beatriz",
        "Solano",
        "MD",
        D.NEUROLOGY_HEADACHE,
        "Headache medicine",
        "United Council for Neurologic Subspecialties (Headache Medicine)",
    ),
    MemberSpec(
        "Lars",
        "Eikeland",
        "MD",
        D.NEUROLOGY_HEADACHE,
        "General neurology",
        ABPN,
        "Northgate Neurology Associates",
    ),
    MemberSpec(
        "Vikram",
        "Sethuraman",
        "MD",
        D.ANESTHESIOLOGY,
        "Interventional pain procedures",
        "American Board of Anesthesiology",
    ),
    MemberSpec(
        "Renata",
        "Kowalczyk",
        "MD",
        D.ANESTHESIOLOGY,
        "Regional anesthesia",
        "American Board of Anesthesiology",
    ),
    MemberSpec(
        "Julian",
        "Ashcombe",
        "MD",
        D.NEUROSURGERY,
        "Spine neurosurgery",
        "American Board of Neurological Surgery",
        "Cobalt Ridge Spine Institute",
    ),
    MemberSpec(
        "Odile",
        "Marchand",
        "MD",
        D.NEUROSURGERY,
        "Functional neurosurgery",
        "American Board of Neurological Surgery",
        "Cobalt Ridge Spine Institute",
        False,
        "Retired; do not send new referrals.",
    ),
    MemberSpec(
        "Samuel",
        "Okoro",
        "MD",
        D.INTERNAL_MEDICINE,
        "Internal medicine",
        "American Board of Internal Medicine",
    ),
    MemberSpec(
        "Wen-Li",
        "Harrington",
        "DO",
        D.INTERNAL_MEDICINE,
        "Primary care",
        "American Board of Internal Medicine",
        "Millbridge Family Health",
    ),
    MemberSpec(
        "Jordan",
        "Ellery",
        "DPT",
        D.PHYSICAL_THERAPY,
        "Orthopaedic physical therapy",
        "American Board of Physical Therapy Specialties (Orthopaedics)",
    ),
    MemberSpec(
        "Maya", "Lindqvist", "PT", D.PHYSICAL_THERAPY, "Spine and pelvic rehabilitation", None
    ),
    MemberSpec(
        "Tobias", "Renner", "DPT", D.PHYSICAL_THERAPY, "Graded activity and aquatic therapy", None
    ),
    MemberSpec(
        "Alana",
        "Kealoha",
        "DPT",
        D.PHYSICAL_THERAPY,
        "Vestibular and neck rehabilitation",
        None,
        "Harborline Physical Therapy",
        False,
        "Left the practice.",
    ),
    MemberSpec(
        "Marisol",
        "Vega",
        "PsyD",
        D.PSYCHOLOGY,
        "Pain psychology (CBT, ACT)",
        "American Board of Professional Psychology (Clinical Health Psychology)",
    ),
    MemberSpec("Everett", "Kang", "PhD", D.PSYCHOLOGY, "CBT for chronic pain and insomnia", None),
    MemberSpec(
        "Noor",
        "Al-Haddad",
        "PhD",
        D.PSYCHOLOGY,
        "Health psychology, biofeedback",
        None,
        "Elmstead Psychology Group",
    ),
    MemberSpec("Delphine", "Okafor-Reyes", "LCSW", D.SOCIAL_WORK, "Medical social work", None),
    MemberSpec(
        "Casey", "Brennan", "LCSW", D.SOCIAL_WORK, "Disability and benefits counselling", None
    ),
    MemberSpec(
        "Harold",
        "Whitcombe",
        "MD, MPH",
        D.OCCUPATIONAL_HEALTH,
        "Occupational medicine",
        "American Board of Preventive Medicine (Occupational Medicine)",
        "Harrow Point Occupational Health",
    ),
    MemberSpec(
        "Simone",
        "Achebe",
        "OTR/L",
        D.OCCUPATIONAL_HEALTH,
        "Work hardening and return to work",
        "National Board for Certification in Occupational Therapy",
    ),
    MemberSpec(
        "Mei-Xing",
        "Zhou",
        "LAc",
        D.COMPLEMENTARY_MEDICINE,
        "Acupuncture",
        "NCCAOM (Diplomate of Acupuncture)",
        "Juniper Terrace Acupuncture",
    ),
    MemberSpec(
        "Dario",
        "Benedetti",
        "DC",
        D.COMPLEMENTARY_MEDICINE,
        "Chiropractic",
        "National Board of Chiropractic Examiners",
        "Osprey Bend Chiropractic",
    ),
    MemberSpec("Ingrid", "Halvorsen", "LMT", D.COMPLEMENTARY_MEDICINE, "Massage therapy", None),
    MemberSpec(
        "Teodora",
        "Blum",
        "MD",
        D.PAIN_REHABILITATION_PROGRAM,
        "Interdisciplinary pain rehabilitation (medical director)",
        ABPMR,
        "Cascade Functional Restoration Program",
    ),
    MemberSpec(
        "Marcus",
        "Delacroix-Ng",
        "LCSW, CADC",
        D.PAIN_REHABILITATION_PROGRAM,
        "Opioid tapering and recovery program intake",
        None,
        "Cascade Functional Restoration Program",
    ),
    MemberSpec(
        "Farah",
        "Qureshi",
        "MD",
        D.OTHER_SPECIALIST,
        "Rheumatology",
        "American Board of Internal Medicine (Rheumatology)",
        "Elmstead Arthritis Clinic",
    ),
    MemberSpec(
        "Bernard",
        "Lefebvre",
        "MD",
        D.OTHER_SPECIALIST,
        "Orthopaedic surgery",
        "American Board of Orthopaedic Surgery",
        "Larkspur Orthopaedics",
    ),
    MemberSpec(
        "Yusuf",
        "Demir",
        "MD",
        D.OTHER_SPECIALIST,
        "Oncology supportive care",
        "American Board of Internal Medicine (Medical Oncology)",
        "Heronwood Cancer Center",
    ),
    MemberSpec(
        "Greta",
        "Sandoval",
        "MD",
        D.OTHER_SPECIALIST,
        "Sleep medicine",
        "American Board of Internal Medicine (Sleep Medicine)",
        "Starling Sleep Center",
    ),
    MemberSpec(
        "Kwabena",
        "Mensah",
        "MD",
        D.OTHER_SPECIALIST,
        "Gastroenterology",
        "American Board of Internal Medicine (Gastroenterology)",
        "Millbridge Digestive Health",
    ),
)
