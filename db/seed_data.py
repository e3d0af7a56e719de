"""Who is in the demo nursery: plain data read by :mod:`db.seed`, kept apart from how it is
written so the roster reads like a nursery's own list.

The demo's passwords are meant to be known: they are printed for whoever runs the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.vocabulary import Role

SETTING_NAME = "Little Acorns Pre-School"
LANGUAGES = ["en", "pl", "ur"]
MANAGER_PASSWORD = "acorns-manager"
STAFF_PASSWORD = "acorns-staff"


@dataclass(frozen=True)
class RoomPlan:
    name: str
    colour: str
    min_months: int  # the room's age band on the day, inclusive
    max_months: int


# The rooms' age bands; the demo keeps its children inside them.
ROOMS = (
    RoomPlan("Babies", "#e3a587", 0, 23),
    RoomPlan("Twos", "#8fb996", 24, 35),
    RoomPlan("Pre-school", "#7ea6c9", 36, 59),
)

SESSIONS = (
    ("Morning", "08:30", "11:30"),
    ("Morning with lunch", "08:30", "13:00"),
    ("Afternoon", "12:00", "15:00"),
    ("Full day", "08:30", "15:00"),
)

# EYFS ratios: (label, min months, max months, children per adult, with a qualified teacher)
RATIO_RULES = (
    ("Under 2", 0, 23, 3, None),
    ("2-year-olds", 24, 35, 5, None),
    ("3 and over", 36, None, 8, 13),
)


@dataclass(frozen=True)
class StaffPlan:
    username: str
    first: str
    last: str
    room: str
    qualified_teacher: bool = False
    role: Role = Role.STAFF
    card: bool = False


STAFF = (
    StaffPlan("manager", "Joanne", "Whitfield", "Pre-school", True, Role.MANAGER, card=True),
    StaffPlan("saskia", "Saskia", "Brown", "Twos", card=True),
    StaffPlan("priya", "Priya", "Shah", "Pre-school", qualified_teacher=True),
    StaffPlan("tomasz", "Tomasz", "Wiśniewski", "Twos"),
    StaffPlan("aisha", "Aisha", "Rahman", "Babies"),
    StaffPlan("olu", "Olu", "Adeyemi", "Pre-school", qualified_teacher=True),
    StaffPlan("megan", "Megan", "Jones", "Babies"),
    StaffPlan("chloe", "Chloé", "Martin", "Pre-school"),
)


@dataclass(frozen=True)
class AdultPlan:
    first: str
    last: str
    age: int | None  # None: no date of birth held, a member of staff confirmed an adult
    photo: bool = True
    card: bool = False

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Carer:
    adult: str  # an AdultPlan's name
    relationship: str
    parental_responsibility: bool = False


@dataclass(frozen=True)
class ChildPlan:
    first: str
    last: str
    room: str
    key_person: str  # a StaffPlan's username

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class FamilyPlan:
    children: tuple[ChildPlan, ...]
    carers: tuple[Carer, ...]
    password: str | None = None  # one agreed password shared by the siblings

    @property
    def label(self) -> str:
        firsts = ", ".join(c.first for c in self.children)
        surname = self.children[0].last
        if len(self.children) == 1:
            return f"the {surname} family ({firsts})"
        return f"the {surname} children ({firsts})"


def _parents(mother: str, father: str | None = None) -> tuple[Carer, ...]:
    carers = [Carer(mother, "Mother", True)]
    if father is not None:
        carers.append(Carer(father, "Father", True))
    return tuple(carers)


CHILDMINDER = Carer("Pauline Riley", "Childminder")

ADULTS = (
    AdultPlan("Hannah", "Fletcher", 33, card=True),
    AdultPlan("Sam", "Fletcher", 35),
    AdultPlan("Maureen", "Fletcher", 66),
    AdultPlan("Bob", "Hughes", None, photo=False),
    AdultPlan("Ngozi", "Okonkwo", 37, card=True),
    AdultPlan("Emeka", "Okonkwo", 39),
    AdultPlan("Pauline", "Riley", 54, card=True),
    AdultPlan("Anna", "Nowak", 36, card=True),
    AdultPlan("Piotr", "Nowak", 38),
    AdultPlan("Halina", "Nowak", None, photo=False),
    AdultPlan("Kacper", "Nowak", 15, photo=False),
    AdultPlan("Thảo", "Nguyễn", 32, card=True),
    AdultPlan("Đức", "Nguyễn", 34),
    AdultPlan("Rania", "Haddad", 31, card=True),
    AdultPlan("Karim", "Haddad", 35),
    AdultPlan("فاطمة", "حداد", 63),
    AdultPlan("Kirsty", "Walsh", 29, card=True),
    AdultPlan("Leanne", "Walsh", 26),
    AdultPlan("Darren", "Cole", 34, card=True),
    AdultPlan("Elif", "Yılmaz", 30),
    AdultPlan("Mehmet", "Yılmaz", 33),
    AdultPlan("Gemma", "Clarke", 35),
    AdultPlan("Marcus", "Clarke", 37, card=True),
    AdultPlan("Kemi", "Balogun", None, photo=False),
    AdultPlan("Aoife", "Murphy", 34),
    AdultPlan("Conor", "Murphy", 36),
    AdultPlan("Abena", "Osei", 31),
    AdultPlan("Kwame", "Osei", 33),
    AdultPlan("Laura", "Bennett", 28),
    AdultPlan("Fiona", "McKenzie", 38),
    AdultPlan("Jo", "McKenzie", 36),
    AdultPlan("Sana", "Hussain", 27),
    AdultPlan("Imran", "Hussain", 30),
    AdultPlan("Rhian", "Evans", 25, photo=False),
    AdultPlan("Jade", "Williams", 30),
    AdultPlan("Dean", "Williams", 32),
    AdultPlan("Carol", "Williams", 61),
    AdultPlan("Sophie", "Robinson", 36),
    AdultPlan("Ben", "Robinson", 38),
    AdultPlan("Tanya", "Campbell", 24),
    AdultPlan("Shirin", "Ahmadi", 35),
    AdultPlan("Reza", "Ahmadi", 40),
    AdultPlan("Niamh", "O'Connor", 33),
    AdultPlan("Liam", "O'Connor", 34),
    AdultPlan("Lakshmi", "Iyer", 36),
    AdultPlan("Arjun", "Iyer", 38),
    AdultPlan("Ryan", "Thompson", 41, photo=False),
)


def _kid(name: str, room: str, key_person: str) -> ChildPlan:
    first, last = name.rsplit(" ", 1)
    return ChildPlan(first, last, room, key_person)


def _only(
    child: str, room: str, key_person: str, mother: str, father: str | None = None, *more: Carer
) -> FamilyPlan:
    """A family with one child at the nursery."""
    return FamilyPlan((_kid(child, room, key_person),), (*_parents(mother, father), *more))


FAMILIES = (
    _only(
        "Zoë Fletcher", "Babies", "megan", "Hannah Fletcher", "Sam Fletcher",
        Carer("Maureen Fletcher", "Grandmother"),
    ),
    FamilyPlan(
        (
            _kid("Chidi Okonkwo", "Pre-school", "priya"),
            _kid("Adaeze Okonkwo", "Twos", "saskia"),
            _kid("Ebele Okonkwo", "Babies", "aisha"),
        ),
        (*_parents("Ngozi Okonkwo", "Emeka Okonkwo"), CHILDMINDER),
        password="seaside rocket",
    ),
    FamilyPlan(
        (_kid("Łukasz Nowak", "Pre-school", "olu"), _kid("Zofia Nowak", "Twos", "tomasz")),
        (*_parents("Anna Nowak", "Piotr Nowak"), Carer("Halina Nowak", "Grandmother")),
        password="purple giraffe",
    ),
    FamilyPlan(
        (
            ChildPlan("Minh Anh", "Nguyễn", "Pre-school", "chloe"),
            _kid("Bảo Nguyễn", "Babies", "megan"),
        ),
        _parents("Thảo Nguyễn", "Đức Nguyễn"),
        password="maple tree",
    ),
    _only(
        "ياسمين Haddad", "Pre-school", "priya", "Rania Haddad", "Karim Haddad",
        Carer("فاطمة حداد", "Grandmother"),
    ),
    FamilyPlan(
        (_kid("Mia Walsh", "Twos", "saskia"),),
        (*_parents("Kirsty Walsh"), Carer("Leanne Walsh", "Aunt")),
        password="lighthouse biscuit",
    ),
    _only("Ayşe Yılmaz", "Twos", "tomasz", "Elif Yılmaz", "Mehmet Yılmaz"),
    _only("Theo Clarke", "Twos", "saskia", "Gemma Clarke", "Marcus Clarke"),
    _only("Siobhán Murphy", "Twos", "tomasz", "Aoife Murphy", "Conor Murphy", CHILDMINDER),
    _only("Amara Osei", "Twos", "saskia", "Abena Osei", "Kwame Osei"),
    _only("Harper Evans", "Twos", "tomasz", "Rhian Evans"),
    _only("Arlo Bennett", "Babies", "aisha", "Laura Bennett"),
    FamilyPlan(
        (_kid("Isla McKenzie", "Babies", "megan"),),
        (Carer("Fiona McKenzie", "Parent", True), Carer("Jo McKenzie", "Parent", True)),
    ),
    _only("Rayan Hussain", "Babies", "aisha", "Sana Hussain", "Imran Hussain", CHILDMINDER),
    _only(
        "Noah Williams", "Pre-school", "olu", "Jade Williams", "Dean Williams",
        Carer("Carol Williams", "Grandmother"),
    ),
    _only("Evie Robinson", "Pre-school", "chloe", "Sophie Robinson", "Ben Robinson"),
    _only("Jayden Campbell", "Pre-school", "olu", "Tanya Campbell"),
    _only("Leila Ahmadi", "Pre-school", "priya", "Shirin Ahmadi", "Reza Ahmadi"),
    _only("Finn O'Connor", "Pre-school", "chloe", "Niamh O'Connor", "Liam O'Connor"),
    _only("Ananya Iyer", "Pre-school", "priya", "Lakshmi Iyer", "Arjun Iyer"),
    FamilyPlan(
        (_kid("Kai Thompson", "Pre-school", "chloe"),), (Carer("Ryan Thompson", "Father", True),)
    ),
)  # fmt: skip

# The people the demo is for: each one shows a rule of the door.
RESTRICTED = ("Darren Cole", "Mia Walsh", "Court order 2026/FC/0142 — no contact")
ONE_OFF = ("Bob Hughes", "Zoë Fletcher", "Mum phoned; written note in file")
EXPIRED = ("Kemi Balogun", "Theo Clarke", "Dad emailed; family friend collecting that week")
UNDER_AGE = "Kacper Nowak"  # Łukasz and Zofia's big brother: on record, authorised for no one
LOST_CARD = "Hannah Fletcher"  # lost her first card; it is revoked and she has a new one

# Weekly bookings: weekday (0 = Monday) -> session name. Siblings share a pattern.
BOOKING_PATTERNS: tuple[dict[int, str], ...] = (
    dict.fromkeys(range(5), "Morning"),
    dict.fromkeys((0, 2, 4), "Full day"),
    {1: "Morning with lunch", 2: "Morning", 3: "Morning with lunch"},
    dict.fromkeys(range(4), "Afternoon"),
    {0: "Full day", 1: "Full day", 3: "Morning"},
    dict.fromkeys(range(5), "Morning with lunch"),
    dict.fromkeys((2, 3, 4), "Afternoon"),
    {0: "Morning", 1: "Afternoon", 2: "Morning", 3: "Afternoon", 4: "Morning"},
)

CONSENTS = ("photos_in_learning_journal", "photos_on_website", "local_outings", "sun_cream")


@dataclass(frozen=True)
class Details:
    """The sensitive record a few children have filled in (R11). Emergency contacts name an
    adult on record and their relationship; the phone number is taken from the adult."""

    particular_needs: str = ""
    home_address: str = ""
    emergency_contacts: tuple[tuple[str, str], ...] = ()


DETAILS: dict[str, Details] = {
    "Chidi Okonkwo": Details(
        "Severe peanut allergy. Two adrenaline auto-injectors in the office medicine cabinet; "
        "care plan on file.",
        "12 Chestnut Close, Ashbury ZZ99 1AC",
        (("Pauline Riley", "Childminder"),),
    ),
    "Mia Walsh": Details(
        "Court order on file (see restrictions). Mia is only ever released to Kirsty or Leanne.",
        "Flat 3, 27 Station Road, Ashbury ZZ99 2SR",
        (("Leanne Walsh", "Aunt"),),
    ),
    "Ayşe Yılmaz": Details(
        "Turkish spoken at home; English as an additional language. Key-word card in the Twos room."
    ),
    "Rayan Hussain": Details(
        "Eczema: emollient cream after hand washing (supplied by parents).",
        "5 Mill Lane, Ashbury ZZ99 3ML",
    ),
    "Finn O'Connor": Details(
        "Asthma: blue inhaler and spacer in the Pre-school medicine box.",
        "41 Orchard Way, Ashbury ZZ99 4OW",
        (("Niamh O'Connor", "Mother"),),
    ),
    "Bảo Nguyễn": Details("Cow's milk protein allergy: oat milk only."),
    "ياسمين Haddad": Details(
        "", "9 Beech Avenue, Ashbury ZZ99 5BA", (("فاطمة حداد", "Grandmother"),)
    ),
}
