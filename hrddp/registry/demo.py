"""A fictional country for demonstrations and benchmarks (``manage.py seed_demo``).

Pure data and a deterministic plan: the same scale on the same day gives the same names, dates and
structure, because every choice comes from one ``random.Random(SEED)`` consumed in a fixed order.
The plan refers to rows by their position in its lists; the command turns positions into ids as it
inserts them, so the plan never touches the database.
"""

import datetime
import heapq
import random

from hrddp.accounts.models import Role

SEED = 2013
UNITS, PEOPLE, VIOLATIONS = 300, 500, 3000
# Floors so that a tiny --scale still shows every institution level, category and status.
MIN_PEOPLE, MIN_VIOLATIONS = 40, 120
VIOLATION_DAYS = 4 * 365
# Inside the default 365-day lookback, with margin, so hotspots keep their pattern for weeks.
HOTSPOT_DAYS = 300
PASSWORD = "demo1234"

COUNTRY = "Kandara"
CAPITAL = "Mareva"
ENTITIES = [
    ("mission", "UN Stabilization Mission in Kandara"),
    ("undp", "UNDP Kandara"),
    ("unicef", "UNICEF Kandara"),
]
# username, first name, last name, entity code, role
USERS = [
    ("hro", "Leila", "Haddad", "mission", Role.HRO),
    ("ssr", "Tomas", "Lindqvist", "mission", Role.REQUESTER),
    ("manager", "Ngozi", "Adeyemi", "mission", Role.MANAGER),
    ("auditor", "Claire", "Dubois", "mission", Role.AUDITOR),
    ("admin", "Ravi", "Menon", "mission", Role.ADMINISTRATOR),
    ("undp_ssr", "Kofi", "Asante", "undp", Role.REQUESTER),
]
SUPERUSERS = {"admin"}

REGIONS = [
    ("Lake Province", "Tessala"),
    ("Northern Highlands", "Boruma"),
    ("Savanna Province", "Kiradi"),
    ("Coastal Province", "Port Anvel"),
    ("River Province", "Lumesi"),
    ("Eastern Marches", "Dakoro"),
    ("Central Plateau", "Ninzo"),
    ("Western Forests", "Ombela"),
]
SYLLABLES = "ka ma ro zi ta lu ne bo sa mi de fu ya ko ri la we gi na tu mbe ndo vi sha".split()

# name, kind, share of units, rank by level, unit name pattern and location rule by level.
# Patterns: {ord} counts within the institution and level, {letter} within the parent,
# {region} and {town} name the unit's place, {parent} its parent, {arm} and {facility} vary.
INSTITUTIONS = [
    (
        "Kandaran Armed Forces",
        "army",
        0.40,
        ["General", "Major General", "Brigadier General", "Lieutenant Colonel", "Captain"],
        [
            ("Land Forces Command", "capital"),
            ("{ord} Infantry Division", "region"),
            ("{ord} Brigade", "town"),
            ("{ord} {arm} Battalion", "town"),
            ("{letter} Company, {parent}", "parent"),
        ],
    ),
    (
        "Kandara National Police",
        "police",
        0.30,
        ["Inspector General", "Divisional Commissioner", "Commissioner", "Chief Inspector"],
        [
            ("National Police General Command", "capital"),
            ("{region} Regional Police Directorate", "region"),
            ("{town} District Commissariat", "town"),
            ("{town} Police Station", "town"),
        ],
    ),
    (
        "National Gendarmerie",
        "gendarmerie",
        0.14,
        ["General", "Colonel", "Major", "Warrant Officer"],
        [
            ("Gendarmerie General Command", "capital"),
            ("{ord} Gendarmerie Legion", "region"),
            ("{town} Gendarmerie Group", "town"),
            ("{town} Territorial Brigade", "town"),
        ],
    ),
    (
        "National Intelligence Agency",
        "intelligence",
        0.06,
        ["Director General", "Director", "Deputy Director", "Senior Officer"],
        [
            ("General Directorate of Intelligence", "capital"),
            ("{ord} Directorate", "capital"),
            ("{region} Regional Bureau", "region"),
            ("{town} Field Office", "town"),
        ],
    ),
    (
        "Border Guard Service",
        "border",
        0.05,
        ["Controller General", "Chief Superintendent", "Inspector"],
        [
            ("Border Guard Command", "capital"),
            ("{region} Border Sector", "region"),
            ("{town} Border Post", "town"),
        ],
    ),
    (
        "Kandara Prison Service",
        "prisons",
        0.05,
        ["Commissioner General", "Regional Director", "Governor"],
        [
            ("Directorate of Prison Administration", "capital"),
            ("{region} Regional Prison Service", "region"),
            ("{town} {facility}", "town"),
        ],
    ),
]
ARMS = ["Infantry", "Motorised", "Commando", "Engineer", "Reconnaissance"]
FACILITIES = ["Central Prison", "Detention Centre", "Remand Prison"]
NICKNAMES = [
    "Leopards",
    "Scorpions",
    "Black Eagles",
    "Buffaloes",
    "Hyenas",
    "Cobras",
    "Falcons",
    "Red Lions",
]
# How often each institution's units appear in violations.
INSTITUTION_WEIGHT = {
    "army": 1.5,
    "police": 1.2,
    "gendarmerie": 1.0,
    "intelligence": 1.5,
    "border": 0.8,
    "prisons": 1.0,
}

GIVEN_NAMES = (
    "Joseph Emmanuel Patrice Didier Alain Samuel Moussa Ibrahim Ousmane Pierre Jean-Claude Gaston "
    "Hervé Innocent Célestin Dieudonné Bosco Faustin Augustin Laurent Albert Théo Marcel Cyprien "
    "Justine Aline Béatrice Odette Clarisse Esther Mariam Aïcha"
).split()
FAMILY_NAMES = (
    "Mbala Kalenga Ndoma Tshilumba Bakari Ouédra Sanoko Kamanzi Ruganda Mutombe Lukeni Nsimba "
    "Ekanga Bokassi Djimbe Ngaro Tambwe Sakoma Mwamba Ilunde Kabeya Lomami Balenge Oyono Ebanda "
    "Mfumu Zolana Kasongo Mbuyi Nzeza Dibwe Luanda Mayemba Sefu Tondo Yakubi Walanga Gombe"
).split()
PERSON_NICKNAMES = [
    "Tiger",
    "Commandant Zero",
    "Papa Fer",
    "The Doctor",
    "Bulldozer",
    "Sultani",
    "Kaka",
]
SOURCE_ORGANISATIONS = [
    "Kandara League for Human Rights",
    "Voice of Mothers association",
    "Lake Province Bar Association",
    "Hope Clinic",
    "Radio Tessala",
    "Justice for All Kandara",
]

# Relative frequency of each seeded category; an administrator's own categories get 2.
CATEGORY_WEIGHT = {
    "unlawful_killing": 10,
    "torture": 8,
    "enforced_disappearance": 4,
    "sexual_violence": 6,
    "enslavement": 1.5,
    "refoulement": 1,
    "war_crime": 1.5,
    "crime_against_humanity": 0.5,
    "genocide": 0.2,
    "grave_violation_children": 4,
    "arbitrary_detention": 16,
    "ill_treatment": 12,
    "looting": 6,
    "extortion": 9,
    "threats": 8,
    "restriction_expression_assembly": 5,
    "corruption": 5,
}
# What each kind of force is more (or less) often accused of.
KIND_CATEGORY_FACTOR = {
    "army": {"war_crime": 2, "grave_violation_children": 2, "looting": 1.5, "sexual_violence": 1.3},
    "police": {"extortion": 1.5, "restriction_expression_assembly": 2, "arbitrary_detention": 1.3},
    "gendarmerie": {
        "extortion": 1.5,
        "arbitrary_detention": 1.3,
        "restriction_expression_assembly": 1.5,
    },
    "intelligence": {
        "enforced_disappearance": 4,
        "torture": 2,
        "arbitrary_detention": 1.5,
        "looting": 0.1,
    },
    "border": {"refoulement": 15, "extortion": 2, "war_crime": 0.2},
    "prisons": {
        "torture": 2,
        "ill_treatment": 2,
        "unlawful_killing": 0.3,
        "looting": 0.1,
        "refoulement": 0.1,
    },
}
HOTSPOT_CATEGORIES = [
    "unlawful_killing",
    "torture",
    "sexual_violence",
    "enforced_disappearance",
    "grave_violation_children",
]

STATUSES = [("alleged", 35), ("credible", 28), ("verified", 25), ("discounted", 12)]
PRECISIONS = [("day", 75), ("month", 18), ("year", 7)]
RELIABILITIES = [("high", 25), ("moderate", 50), ("low", 25)]
SCALES = [("isolated", 60), ("repeated", 25), ("widespread", 10), ("systematic", 5)]

NARRATIVES = {
    "unlawful_killing": [
        "Elements of the {unit} reportedly opened fire on civilians at a checkpoint near {place}; "
        "{n} people were killed.",
        "{n} men detained by the {unit} in {place} were found dead two days later with gunshot "
        "wounds.",
    ],
    "torture": [
        "Detainees held by the {unit} in {place} describe beatings, stress positions and electric "
        "shocks during interrogation.",
        "{n} people arrested during a search operation in {place} were tortured at a {unit} "
        "position.",
    ],
    "enforced_disappearance": [
        "{n} people were taken from their homes in {place} by men identified as belonging to the "
        "{unit}; the authorities deny holding them.",
    ],
    "sexual_violence": [
        "{n} women reported being raped by members of the {unit} during an operation in {place}.",
    ],
    "enslavement": [
        "Villagers of {place} were forced by the {unit} to carry supplies and dig trenches "
        "without pay."
    ],
    "refoulement": [
        "{n} asylum seekers were returned across the border at {place} by the {unit} despite "
        "stating fear of persecution."
    ],
    "war_crime": [
        "The {unit} reportedly shelled a market in {place} with no military objective nearby."
    ],
    "crime_against_humanity": [
        "Witnesses describe a coordinated campaign of killings and burnings around {place} "
        "involving the {unit}."
    ],
    "genocide": [
        "Members of one ethnic community in {place} were singled out for killing, reportedly with "
        "the participation of the {unit}."
    ],
    "grave_violation_children": [
        "{n} children were reportedly recruited and used by the {unit} near {place}.",
        "A school in {place} was occupied and damaged by the {unit}; {n} children were injured.",
    ],
    "arbitrary_detention": [
        "{n} people were arrested by the {unit} in {place} without a warrant and held beyond the "
        "legal time limit.",
        "The {unit} detained {n} traders in {place}; no charges were brought.",
    ],
    "ill_treatment": [
        "{n} detainees at a {unit} facility in {place} were held in overcrowded cells without "
        "water or food."
    ],
    "looting": ["Soldiers of the {unit} looted shops and livestock in {place} after an operation."],
    "extortion": [
        "Members of the {unit} at a roadblock near {place} demanded payments from traders and "
        "motorcyclists."
    ],
    "threats": [
        "A local journalist in {place} received threats from officers of the {unit} after "
        "reporting on an arrest."
    ],
    "restriction_expression_assembly": [
        "The {unit} dispersed a peaceful gathering in {place} with tear gas and arrested {n} "
        "organisers."
    ],
    "corruption": [
        "Officers of the {unit} in {place} reportedly sold detainees' release for cash."
    ],
}
GENERIC_NARRATIVE = "An incident of {category} involving the {unit} was reported in {place}."
STATUS_SENTENCES = {
    "alleged": "The allegation comes from a single account and awaits corroboration.",
    "credible": "Information from independent sources was assessed as reliable.",
    "verified": "A monitoring team visited the area and corroborated the account.",
    "discounted": "Follow-up established that the account was unfounded.",
}
SOURCE_DESCRIPTIONS = {
    "victim": ["A survivor of the incident.", "A person held at the site."],
    "witness": [
        "A resident of the area.",
        "A relative of a victim.",
        "A local health worker.",
        "A trader at the market.",
    ],
    "informant": ["A person close to the unit's command.", "A former member of the unit."],
    "document": [
        "Photographs and a video shared by a journalist.",
        "A medical report.",
        "A detention register.",
    ],
    "organisation": ["A national human rights organisation.", "A community association."],
}
ACTION_SEQUENCES = [
    ["complaint_lodged"],
    ["complaint_lodged", "investigation_opened"],
    ["investigation_opened", "arrest_ordered", "arrested", "referred", "convicted"],
    ["investigation_opened", "arrested", "released"],
    ["investigation_opened", "dismissed"],
    ["complaint_lodged", "interference"],
    ["investigation_opened", "referred", "acquitted"],
]
ACTION_NOTES = {
    "investigation_opened": "Opened by the military prosecutor.",
    "interference": "Witnesses report being warned not to testify.",
    "released": "Released without trial after a few weeks.",
}


def days(n):
    return datetime.timedelta(days=n)


def ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def letter(n):
    return chr(ord("A") + n) if n < 26 else str(n + 1)


def level_sizes(total, depth):
    """Units per level of one institution: one root, growing geometrically, ``total`` in all."""
    if total <= depth:
        return [1] * depth
    low, high = 1.0, float(total)
    for _ in range(60):
        ratio = (low + high) / 2
        if sum(ratio**k for k in range(depth)) < total:
            low = ratio
        else:
            high = ratio
    sizes = [max(1, round(ratio**k)) for k in range(depth - 1)]
    while total - sum(sizes) < 1:
        sizes[sizes.index(max(sizes))] -= 1
    return sizes + [total - sum(sizes)]


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class PlannedUnit:
    __slots__ = (
        "name",
        "aliases",
        "institution",
        "parent",
        "level",
        "location",
        "active_from",
        "clean",
        "tenures",
    )

    def __init__(self, **fields):
        self.tenures = []
        for name, value in fields.items():
            setattr(self, name, value)


class PlannedPerson:
    __slots__ = ("name", "aliases", "rank", "identifiers", "institution", "level")

    def __init__(self, **fields):
        for name, value in fields.items():
            setattr(self, name, value)


class DemoPlan:
    """Everything ``seed_demo`` inserts, as plain data. Build it, then read its lists in order."""

    def __init__(self, scale, today):
        self.rng = random.Random(SEED)
        self.today = today
        self.institutions = [
            {"name": name, "kind": kind, "country": COUNTRY} for name, kind, *_ in INSTITUTIONS
        ]
        self.n_units = max(round(UNITS * scale), sum(len(spec[4]) for spec in INSTITUTIONS))
        self.n_people = max(round(PEOPLE * scale), MIN_PEOPLE, self.n_units * 3 // 2)
        self.n_violations = max(round(VIOLATIONS * scale), MIN_VIOLATIONS)
        # Towns are shared by units at large scale; the syllables make about 14,000 names.
        self.towns = self._town_names(max(40, min(self.n_units // 3, 2000)))
        self.regions = list(REGIONS)
        self.units = self._units()
        self.people, self.assignments = self._people()
        self.hotspots = self._hotspots()

    # Places and names

    def _town_names(self, count):
        rng, seen, names = self.rng, {CAPITAL}, []
        while len(names) < count:
            name = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3)))).capitalize()
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names

    def _region(self, n):
        while n >= len(self.regions):
            town = self._town_names(1)[0]
            self.regions.append((f"{town} Province", town))
        return self.regions[n % len(self.regions)]

    def _person_name(self):
        rng = self.rng
        middle = f" {rng.choice(FAMILY_NAMES)[0]}." if rng.random() < 0.2 else ""
        return f"{rng.choice(GIVEN_NAMES)}{middle} {rng.choice(FAMILY_NAMES)}"

    # Units

    def _units(self):
        """All units, level by level (parents always before their children)."""
        sizes = self._institution_sizes()
        by_level = {}
        for institution, (_, _, _, _, levels) in enumerate(INSTITUTIONS):
            for level, count in enumerate(level_sizes(sizes[institution], len(levels))):
                by_level.setdefault(level, []).append((institution, count))
        units, previous = [], {}
        for level in sorted(by_level):
            current, children = {}, {}
            for institution, count in by_level[level]:
                parents = previous.get(institution, [])
                current[institution] = []
                for n in range(count):
                    parent = parents[n * len(parents) // count] if parents else None
                    sibling = children[parent] = children.get(parent, -1) + 1
                    current[institution].append(len(units))
                    units.append(self._unit(units, institution, level, n, parent, sibling))
            previous = current
        return units

    def _institution_sizes(self):
        sizes = [max(len(spec[4]), round(spec[2] * self.n_units)) for spec in INSTITUTIONS]
        sizes[0] = max(len(INSTITUTIONS[0][4]), sizes[0] + self.n_units - sum(sizes))
        return sizes

    def _unit(self, units, institution, level, n, parent, sibling):
        rng = self.rng
        _, kind, _, _, levels = INSTITUTIONS[institution]
        pattern, place = levels[level]
        parent_unit = units[parent] if parent is not None else None
        region = ""
        if place == "capital":
            town = CAPITAL
        elif place == "region":
            region, town = self._region(n)
        elif place == "parent":
            town = parent_unit.location
        else:
            town = rng.choice(self.towns)
        name = pattern.format(
            ord=ordinal(n + 1),
            letter=letter(sibling),
            region=region,
            town=town,
            parent=parent_unit.name if parent_unit else "",
            arm=rng.choice(ARMS),
            facility=rng.choice(FACILITIES),
        )
        aliases = []
        if kind == "army" and level == 3:
            aliases.append(f"{n + 1} BN")
        if level >= 2 and kind in ("army", "gendarmerie") and rng.random() < 0.08:
            aliases.append(f"the {rng.choice(NICKNAMES)}")
        if parent_unit is None:
            active_from = datetime.date(rng.randint(1961, 1990), 1, 1)
        elif parent_unit.active_from and rng.random() < 0.8:
            active_from = min(
                parent_unit.active_from + days(rng.randint(0, 6000)), self.today - days(9 * 365)
            )
        else:
            active_from = None
        # Whole clean subtrees as well as clean leaves, so that clean records exist at every level.
        clean = bool(
            parent_unit and (parent_unit.clean or rng.random() < (0, 0.08, 0.15, 0.25, 0.3)[level])
        )
        return PlannedUnit(
            name=name,
            aliases=aliases,
            institution=institution,
            parent=parent,
            level=level,
            location=town,
            active_from=active_from,
            clean=clean,
        )

    # People and command histories

    def _people(self):
        """Commanders unit by unit over about six years; a share of them move on to other units."""
        rng, today = self.rng, self.today
        slots = []
        for index in range(len(self.units)):
            start = today - days(5 * 365 + rng.randint(0, 900))
            while True:
                end = start + days(rng.randint(450, 1300))
                if end >= today:
                    slots.append((start, None, index))
                    break
                slots.append((start, end, index))
                start = min(end + days(rng.randint(1, 45)), today)
        slots.sort(key=lambda slot: (slot[0], slot[2]))

        people, assignments, last_unit = [], [], []
        budget = self.n_people - self.n_people // 10
        busy = [[] for _ in INSTITUTIONS]
        free = [[] for _ in INSTITUTIONS]
        for start, end, index in slots:
            unit = self.units[index]
            heap, pool = busy[unit.institution], free[unit.institution]
            while heap and heap[0][0] < start:
                pool.append(heapq.heappop(heap)[1])
            person = None
            if pool and (len(people) >= budget or rng.random() < 0.45):
                pick = rng.randrange(len(pool))
                if last_unit[pool[pick]] != index:
                    pool[pick], pool[-1] = pool[-1], pool[pick]
                    person = pool.pop()
            if person is None:
                person = self._new_person(people, unit.institution)
                last_unit.append(index)
            last_unit[person] = index
            people[person].level = unit.level
            assignments.append((person, index, "commander", start, end))
            unit.tenures.append((start, end, person))
            if end is not None:
                heapq.heappush(heap, (end, person))

        # The rest: deputies and staff officers, and a few people known only by name.
        weights = [spec[2] for spec in INSTITUTIONS]
        headquarters = [[] for _ in INSTITUTIONS]
        for index, unit in enumerate(self.units):
            if unit.level <= 2:
                headquarters[unit.institution].append(index)
        while len(people) < self.n_people:
            institution = rng.choices(range(len(INSTITUTIONS)), weights)[0]
            person = self._new_person(people, institution)
            if rng.random() < 0.8:
                index = rng.choice(headquarters[institution])
                start = today - days(rng.randint(30, 1800))
                end = start + days(rng.randint(200, 900))
                assignments.append(
                    (
                        person,
                        index,
                        rng.choice(("deputy", "chief_of_staff", "officer")),
                        start,
                        end if end < today else None,
                    )
                )
                people[person].level = min(
                    self.units[index].level + 1, len(INSTITUTIONS[institution][3]) - 1
                )
            else:
                people[person].level = rng.randint(1, len(INSTITUTIONS[institution][3]) - 1)
        for person in people:
            person.rank = INSTITUTIONS[person.institution][3][person.level]
        return people, assignments

    def _new_person(self, people, institution):
        rng = self.rng
        prefix = INSTITUTIONS[institution][1][:3].upper()
        people.append(
            PlannedPerson(
                name=self._person_name(),
                aliases=[rng.choice(PERSON_NICKNAMES)] if rng.random() < 0.08 else [],
                rank="",
                identifiers=f"SN {prefix}-{rng.randint(100000, 999999)}"
                if rng.random() < 0.6
                else "",
                institution=institution,
                level=0,
            )
        )
        return len(people) - 1

    def commander_on(self, index, date):
        for start, end, person in self.units[index].tenures:
            if start <= date and (end is None or end >= date):
                return person
        return None

    # Violations

    def _hotspots(self):
        """Units with a recent pattern of countable grave violations."""
        candidates = [i for i, u in enumerate(self.units) if not u.clean and u.level >= 2]
        return self.rng.sample(candidates, min(len(candidates), max(2, round(self.n_units * 0.05))))

    def violations(self, categories):
        """Yield each violation as a dict, with its attributions, sources and actions.

        ``categories``: ``(code, name, is_grave, subtype codes)`` for every category in the
        database, so that an administrator's own categories appear too.
        """
        rng, today = self.rng, self.today
        targets = [i for i, u in enumerate(self.units) if not u.clean]
        weights = [
            INSTITUTION_WEIGHT[INSTITUTIONS[self.units[i].institution][1]]
            * (0.2, 1, 2, 3, 3)[self.units[i].level]
            for i in targets
        ]
        cumulative, total = [], 0
        for weight in weights:
            total += weight
            cumulative.append(total)
        by_code = {
            code: (code, name, grave, subtypes) for code, name, grave, subtypes in categories
        }
        category_weights = {
            kind: [CATEGORY_WEIGHT.get(code, 2) * factors.get(code, 1) for code, *_ in categories]
            for kind, factors in KIND_CATEGORY_FACTOR.items()
        }
        hotspot_plan = [(unit, rng.randint(3, 6)) for unit in self.hotspots]
        forced = [unit for unit, count in hotspot_plan for _ in range(count)]
        for n in range(self.n_violations):
            if n < len(forced):
                unit = forced[n]
                category = by_code.get(rng.choice(HOTSPOT_CATEGORIES)) or categories[0]
                status = rng.choice(("credible", "verified"))
                precision = "day"
                date = today - days(rng.randint(0, HOTSPOT_DAYS))
            else:
                unit = rng.choices(targets, cum_weights=cumulative)[0]
                kind = INSTITUTIONS[self.units[unit].institution][1]
                category = rng.choices(categories, category_weights[kind])[0]
                status = weighted(rng, STATUSES)
                precision = weighted(rng, PRECISIONS)
                # The first rows cycle through every category, status and precision.
                background = n - len(forced)
                if background < len(categories):
                    category = categories[background]
                if background < len(STATUSES):
                    status = STATUSES[background][0]
                if background < len(PRECISIONS):
                    precision = PRECISIONS[background][0]
                date = today - days(rng.randint(0, VIOLATION_DAYS))
                if precision == "month":
                    date = date.replace(day=1)
                elif precision == "year":
                    date = date.replace(month=1, day=1)
            yield self._violation(unit, category, status, precision, date, hotspot=n < len(forced))

    def _violation(self, unit_index, category, status, precision, date, hotspot):
        rng, today = self.rng, self.today
        code, category_name, is_grave, subtypes = category
        unit = self.units[unit_index]
        place = unit.location if rng.random() < 0.8 else rng.choice(self.towns)
        if rng.random() < 0.1:
            place = f"road between {place} and {rng.choice(self.towns)}"
        template = rng.choice(NARRATIVES.get(code, [GENERIC_NARRATIVE]))
        # Templates that count victims speak in the plural.
        victims = rng.randint(
            2 if "{n}" in template else 1, 12 if code == "unlawful_killing" else 5
        )
        narrative = template.format(
            unit=unit.name, place=place, n=victims, category=category_name.lower()
        )
        narrative = f"{narrative} {STATUS_SENTENCES[status]}"

        attributions = []
        commander = self.commander_on(unit_index, date)
        if commander is not None and not hotspot and rng.random() < 0.08:
            attributions.append((None, commander, "direct"))
        else:
            attributions.append(
                (
                    unit_index,
                    None,
                    weighted(rng, [("direct", 75), ("operational", 15), ("supporting", 10)]),
                )
            )
            if commander is not None and rng.random() < (0.5 if hotspot else 0.3):
                attributions.append((None, commander, "command"))
            if unit.parent is not None and rng.random() < 0.05:
                attributions.append((unit.parent, None, "operational"))
        attributed_on = min(date + days(rng.randint(1, 45)), today)

        sources = []
        if rng.random() < 0.65:
            for _ in range(rng.choice((1, 1, 2, 3))):
                kind = rng.choice(list(SOURCE_DESCRIPTIONS))
                if kind == "organisation":
                    identity = rng.choice(SOURCE_ORGANISATIONS)
                    contact = f"info@{identity.split()[0].lower()}.example.org"
                elif kind == "document":
                    identity, contact = f"Ref. {date:%Y}/{rng.randint(100, 9999)}", ""
                else:
                    identity = self._person_name()
                    # +990 is a spare country code: no real number can match.
                    digits = (rng.randint(10, 99), rng.randint(100, 999), rng.randint(1000, 9999))
                    contact = "+990 {} {} {}".format(*digits)
                sources.append(
                    {
                        "kind": kind,
                        "identity": identity,
                        "contact": contact,
                        "reliability": weighted(rng, RELIABILITIES),
                        "description": rng.choice(SOURCE_DESCRIPTIONS[kind]),
                        "obtained_on": min(date + days(rng.randint(0, 30)), today),
                    }
                )

        actions = []
        if rng.random() < 0.25:
            on = date + days(rng.randint(2, 60))
            for kind in rng.choice(ACTION_SEQUENCES):
                if on > today:
                    break
                actions.append({"kind": kind, "date": on, "notes": ACTION_NOTES.get(kind, "")})
                on += days(rng.randint(7, 120))

        return {
            "date": date,
            "date_precision": precision,
            "location": place,
            "narrative": narrative,
            "category": code,
            "subtype": rng.choice(subtypes) if subtypes and rng.random() < 0.85 else None,
            "victims_count": victims if rng.random() < 0.85 else None,
            "children_involved": code == "grave_violation_children" or rng.random() < 0.08,
            "verification_status": status,
            "source_reliability": weighted(rng, RELIABILITIES),
            "scale": weighted(rng, SCALES),
            "reported_by": "ssr" if status == "alleged" and rng.random() < 0.02 else None,
            "attributions": attributions,
            "attributed_on": attributed_on,
            "sources": sources,
            "actions": actions,
        }

    # Support requests

    def support_requests(self):
        """A few requests naming risky, clean and ordinary units, so SSR advisors see summaries."""
        rng = random.Random(SEED + 1)
        today = self.today

        def first(kind, level, clean=None):
            for index, unit in enumerate(self.units):
                if INSTITUTIONS[unit.institution][1] == kind and unit.level == level:
                    if clean is None or unit.clean == clean:
                        return index
            return first(kind, level) if clean is not None else 0

        def name(index):
            return self.units[index].name

        hotspot = self.hotspots[0]
        police_directorate = first("police", 1)
        gendarmerie_group = first("gendarmerie", 2)
        clean_brigade = first("army", 2, clean=True)
        prison = first("prisons", 2)
        stations = [
            i
            for i, u in enumerate(self.units)
            if INSTITUTIONS[u.institution][1] == "police" and u.level == 3
        ][:2]
        prisons_root = first("prisons", 0)
        requests = [
            (
                "mission",
                "ssr",
                f"Fuel and rations for the {name(hotspot)}",
                ["logistics"],
                [hotspot],
                "Fuel and dry rations for a three-month deployment.",
                180000,
            ),
            (
                "mission",
                "ssr",
                f"Human rights and IHL training for the {name(police_directorate)}",
                ["hr_ihl_training"],
                [police_directorate],
                "Two-week course for officers and NCOs.",
                45000,
            ),
            (
                "mission",
                "ssr",
                f"Mobile court support with the {name(gendarmerie_group)}",
                ["oversight_accountability", "logistics"],
                [gendarmerie_group],
                "Transport and per diem for mobile court hearings.",
                60000,
            ),
            (
                "mission",
                "ssr",
                f"Joint patrols with the {name(clean_brigade)}",
                ["joint_operations", "operational_support"],
                [clean_brigade],
                "Joint patrols to protect returnee sites.",
                0,
            ),
            (
                "mission",
                "ssr",
                f"Rehabilitation of the {name(prison)}",
                ["logistics"],
                [prison],
                "Water, sanitation and cell rehabilitation.",
                250000,
            ),
            (
                "undp",
                "undp_ssr",
                "Community policing programme",
                ["governance_reform", "operational_training"],
                stations or [police_directorate],
                "Community forums and training for station commanders.",
                320000,
            ),
            (
                "undp",
                "undp_ssr",
                "Case management system for the prison service",
                ["oversight_accountability"],
                [prisons_root],
                "A registry of detainees with legal time limits.",
                150000,
            ),
        ]
        for entity, username, title, types, recipients, description, value in requests:
            start = today + days(rng.randint(20, 90))
            yield {
                "entity": entity,
                "created_by": username,
                "title": title,
                "support_types": types,
                "recipient_units": recipients,
                "description": description,
                "location": self.units[recipients[0]].location,
                "start": start,
                "end": start + days(rng.randint(90, 365)),
                "value": value or None,
                "funding_source": "Assessed budget"
                if entity == "mission"
                else "Peacebuilding Fund",
                "respond_by": today + days(rng.randint(7, 30)),
            }
