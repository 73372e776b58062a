"""The fictional clinic, its directory of clinicians and the places and payers its
patients have: invented, with 555 telephone numbers and example.org / example.com
addresses."""

from __future__ import annotations

from typing import Final, NamedTuple

from carecoord.clinical.vocabulary import Discipline
from carecoord.services.settings import ClinicSettings

D = Discipline


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


def clinic_settings() -> ClinicSettings:
    """The demo clinic's name and contact details, as the settings page keeps them."""
    return ClinicSettings(
        clinic_name=CLINIC_NAME,
        address=CLINIC_ADDRESS,
        phone=CLINIC_PHONE,
        fax=CLINIC_FAX,
        email=CLINIC_EMAIL,
    )


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
