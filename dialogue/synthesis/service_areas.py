"""The findings register's default service areas: the one definition of their keys and names.

A finding that matters beyond one dialogue is filed under one of these areas of employment
services. Keys are stable identifiers (stored in the database, used as section headers in
`vocabulary/<language>.txt`); names are what people read, per language. Plain data, no
Flask: theme suggestions, the register and the exports all read it from here.
"""
from __future__ import annotations

# In display order; "other" stays last and has no vocabulary of its own.
KEYS: tuple[str, ...] = (
    "information",
    "first_contact",
    "waiting",
    "digital",
    "money",
    "training",
    "transport",
    "health",
    "cooperation",
    "other",
)

NAMES: dict[str, dict[str, str]] = {
    "fi": {
        "information": "Tieto ja neuvonta",
        "first_contact": "Ensimmäinen yhteydenotto",
        "waiting": "Ajanvaraus ja odottaminen",
        "digital": "Digitaaliset palvelut",
        "money": "Raha ja etuudet",
        "training": "Koulutus ja työkokeilu",
        "transport": "Sinne pääseminen (liikenne ja etäisyydet)",
        "health": "Terveys ja hyvinvointi",
        "cooperation": "Palvelujen yhteistyö",
        "other": "Muu",
    },
    "sv": {
        "information": "Information och rådgivning",
        "first_contact": "Första kontakten",
        "waiting": "Tidsbokning och väntan",
        "digital": "Digitala tjänster",
        "money": "Pengar och förmåner",
        "training": "Utbildning och arbetsprövning",
        "transport": "Att ta sig dit (trafik och avstånd)",
        "health": "Hälsa och välbefinnande",
        "cooperation": "Samarbete mellan tjänster",
        "other": "Övrigt",
    },
    "en": {
        "information": "Information and guidance",
        "first_contact": "First contact",
        "waiting": "Appointments and waiting",
        "digital": "Digital services",
        "money": "Money and benefits",
        "training": "Training and work trials",
        "transport": "Getting there (transport and distances)",
        "health": "Health and well-being",
        "cooperation": "Cooperation between services",
        "other": "Other",
    },
}

LANGUAGES: tuple[str, ...] = tuple(NAMES)
DEFAULT_LANGUAGE = "fi"


def name(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The display name of service area `key` in `language` (Finnish when the language is unknown)."""
    return NAMES.get(language, NAMES[DEFAULT_LANGUAGE])[key]


def names(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """All service areas as {key: name} in `language`, in display order."""
    table = NAMES.get(language, NAMES[DEFAULT_LANGUAGE])
    return {key: table[key] for key in KEYS}
