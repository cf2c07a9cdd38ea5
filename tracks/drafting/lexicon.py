"""The words that make a checkable claim, in English, Spanish and Portuguese (regular expressions).

Each entry is a regex fragment matched case-insensitively on a sentence. They are the article's words that
`tracks draft` names in a claim's `why:`. Adding a language is adding one column here.
"""

from __future__ import annotations

import re
from functools import cache

#: A place phrase: capitalised words joined by short connectors ("Santa Elena de Uairén", "Dyess Air Force Base").
PLACE = (r"(?-i:[A-ZÁÉÍÓÚÂÊÔÃÕÇÑ][\w'’.-]*(?:\s+(?:(?:de|del|da|do|dos|das|la|las|los|el|of|the|y|e)\s+)?"
         r"[A-ZÁÉÍÓÚÂÊÔÃÕÇÑ][\w'’.-]*)*)")  # case-sensitive inside case-insensitive patterns

LEX: dict[str, dict[str, str]] = {
    "land_bare": {  # a landing without its place in the same words ("the aircraft landed around 21:10")
        "en": r"landed|touched down|landing|arrived|arriving",
        "es": r"aterrizó|aterrizaron|aterrizaje|llegó|llegaron",
        "pt": r"pousou|pousaram|aterrissou|aterrissaram|pouso|chegou|chegaram",
    },
    "takeoff_bare": {
        "en": r"took off|taking off|departed|take-off|takeoff|left",
        "es": r"despegó|despegaron|despegar|despegue|salió|salieron|partió|partieron",
        "pt": r"decolou|decolaram|decolar|decolagem|saiu|saíram|partiu|partiram",
    },
    "flew_to": {  # where it went: a landing there, flagged
        "en": r"(?:fl(?:ew|own|ying)\s+(?:from\s+" + PLACE + r"\s+)?|continued\s+(?:on\s+)?|flew\s+on\s+)to",
        "es": r"(?:vol(?:ó|aron|ado)\s+(?:desde\s+" + PLACE + r"\s+)?|sigui(?:ó|eron)\s+(?:viaje\s+|vuelo\s+)?)"
              r"(?:a|hasta|hacia)",
        "pt": r"(?:vo(?:ou|aram|ado)\s+(?:de\s+" + PLACE + r"\s+)?|segui(?:u|ram)\s+(?:viagem\s+|voo\s+)?)"
              r"(?:para|até|a)",
    },
    "overflew": {  # "flew over Colombian territory", "sobrevoló territorio de Puerto Rico"
        "en": r"(?:flew|flown|flying|fly)\s+over|overflew|overflown",
        "es": r"sobrevol(?:ó|aron|ar|ado)",
        "pt": r"sobrevo(?:ou|aram|ar|ado)",
    },
    "border": {
        "en": r"(?:the\s+)?border\s+(?:with|of)",
        "es": r"(?:la\s+)?frontera\s+con",
        "pt": r"(?:a\s+)?fronteira\s+com",
    },
    "coast": {
        "en": r"(?:the\s+)?(?:(\w+)\s+)?coast(?:line)?(?:\s+of\s+(" + PLACE + r"))?",
        "es": r"(?:la\s+)?costa(?:\s+(?:de\s+)?(" + PLACE + r"|\w+))?",
        "pt": r"(?:a\s+)?costa(?:\s+(?:d[aoe]\s+)?(" + PLACE + r"|\w+))?",
    },
    "distance": {
        "en": r"(within|about|around|roughly|some|nearly|approximately|less than|under|just|only)?\s*"
              r"(NUM)\s*(UNIT)\s+(?:from|of|off)\s+",
        "es": r"a\s+(unos|unas|menos de|cerca de|apenas|solo|sólo|aproximadamente|alrededor de|casi)?\s*(NUM)\s*(UNIT)"
              r"\s+de\s+",
        "pt": r"a\s+(cerca de|menos de|apenas|uns|umas|aproximadamente|pouco mais de|quase)?\s*(NUM)\s*(UNIT)"
              r"\s+d[aoe]s?\s+",
    },
    "ground_time": {
        "en": r"(?:stayed|remained|spent|was on the ground for|sat on the ground for|parked for)\s+(?:for\s+)?(?:(?:en|em|no|na|on|at|in)\s+(?:la|el|los|o|a|the)?\s*[\w-]+\s+)?"
              r"(about|around|roughly|some|nearly|approximately|almost|less than|more than)?\s*(NUM)\s*(DUR)",
        "es": r"(?:permaneció|permanecieron|estuvo|estuvieron|se quedó|se quedaron)\s+(?:(?:en|em|no|na|on|at|in)\s+(?:la|el|los|o|a|the)?\s*[\w-]+\s+)?"
              r"(unos|unas|cerca de|alrededor de|aproximadamente|casi|menos de|más de)?\s*(NUM)\s*(DUR)",
        "pt": r"(?:ficou|ficaram|permaneceu|permaneceram|esteve|estiveram)\s+(?:(?:en|em|no|na|on|at|in)\s+(?:la|el|los|o|a|the)?\s*[\w-]+\s+)?"
              r"(cerca de|por cerca de|uns|umas|aproximadamente|quase|menos de|mais de)?\s*(NUM)\s*(DUR)",
    },
    "on_ground": {
        "en": r"on the ground|on the tarmac|at the airport",
        "es": r"en tierra|en la pista|en el aeropuerto",
        "pt": r"em solo|no solo|em terra|na pista|no aeroporto",
    },
    "time_inside": {
        "en": r"for\s+(about|around|roughly|some|nearly|approximately|almost)?\s*(NUM)\s*(DUR)\s+(?:inside|in|over|within)",
        "es": r"durante\s+(unos|unas|cerca de|alrededor de|aproximadamente|casi)?\s*(NUM)\s*(DUR)\s+(?:dentro de|en|sobre)",
        "pt": r"(?:por|durante)\s+(cerca de|uns|umas|aproximadamente|quase)?\s*(NUM)\s*(DUR)\s+(?:dentro d[oae]|em|sobre)",
    },
    "cross": {
        "en": r"cross(?:ed|ing)?\s+(?:the\s+border|into|over)",
        "es": r"cruz(?:ó|aron|ar)\s+(?:la\s+frontera|hacia|a)",
        "pt": r"cruz(?:ou|aram|ar)\s+(?:a\s+fronteira|para|a)",
    },
    "airspace": {
        "en": r"airspace",
        "es": r"espacio aéreo",
        "pt": r"espaço aéreo",
    },
    "enter": {
        "en": r"enter(?:ed|ing)?|violat(?:ed|ing|e)|cross(?:ed|ing)? into|flew into|flown into|penetrat(?:ed|e)",
        "es": r"ingres(?:ó|aron|ar)|entr(?:ó|aron|ar)|viol(?:ó|aron|ar)|penetr(?:ó|aron|ar)|invadi(?:ó|eron)",
        "pt": r"entr(?:ou|aram|ar)|invad(?:iu|iram|ir)|viol(?:ou|aram|ar)|penetr(?:ou|aram|ar)",
    },
    "international": {
        "en": r"international airspace|international waters",
        "es": r"espacio aéreo internacional|aguas internacionales",
        "pt": r"espaço aéreo internacional|águas internacionais",
    },
    "stay": {
        "en": r"stayed|remained|kept|stay|remain",
        "es": r"permaneci(?:ó|eron)|se mantuvo|se mantuvieron|quedaron|se quedaron|estuvieron",
        "pt": r"permanece(?:u|ram)|ficou|ficaram|se manteve|se mantiveram|estiveram",
    },
    "negation": {
        "en": r"\bnot\b|n't\b|\bnever\b|\bno sign\b|\bno evidence\b|\bwithout\b|\bat no point\b|\bnor\b",
        "es": r"\bno\b|\bnunca\b|\bsin\b|\ben ningún momento\b|\bjamás\b|\bni\b",
        "pt": r"\bnão\b|\bnunca\b|\bsem\b|\bem nenhum momento\b|\bjamais\b|\bnem\b",
    },
    "closed": {
        "en": r"(?:airspace\b[^.]{0,60}?\b(?:closed|shut)|clos(?:ed|ure|ing) (?:of )?[^.]{0,40}airspace|"
              r"closed in its entirety|no[- ]fly zone)",
        "es": r"(?:espacio aéreo\b[^.]{0,60}?\bcerrado|cierre (?:total )?del espacio aéreo|cerrar el espacio aéreo|"
              r"cerrado en su totalidad)",
        "pt": r"(?:espaço aéreo\b[^.]{0,60}?\bfechado|fechamento (?:total )?do espaço aéreo|fechar o espaço aéreo|"
              r"fechado em sua totalidade)",
    },
    "hedge": {
        "en": r"\breportedly\b|\ballegedly\b|\bsupposedly\b|\bapparently\b|\bis said to\b|\bit is understood\b|"
              r"\bunconfirmed\b|\bclaimed\b|\bappears to\b",
        "es": r"\bsupuestamente\b|\bpresuntamente\b|\bal parecer\b|\baparentemente\b|\bhabría\b|\bhabrían\b",
        "pt": r"\bsupostamente\b|\bteria\b|\bteriam\b|\baparentemente\b|\bpelo visto\b|\balegadamente\b",
    },
    "source": {
        "en": r"according to (?:the )?([^,.;]{3,80}?)(?:,|\.|;|$| which| who)|"
              r"(flight[- ]tracking data|tracking data|ADS-?B Exchange|Flightradar ?24|FlightAware)\s+(?:show|showed|reviewed)",
        "es": r"(?:según|de acuerdo con)\s+(?:datos de |los datos de |el sitio |la web )?([^,.;]{3,80}?)(?:,|\.|;|$)",
        "pt": r"(?:segundo|de acordo com|conforme)\s+(?:dados d[oa] (?:site )?|o site |os dados d[oa] )?"
              r"([^,.;]{3,80}?)(?:,|\.|;|$)",
    },
    "again": {  # a second take-off: "before taking off again", "volver a despegar", "decolou novamente"
        "en": r"(?:took off|taking off|take off|departed) again",
        "es": r"volv(?:er|ió|ieron) a despegar|despeg(?:ó|aron) de nuevo",
        "pt": r"decol(?:ou|aram|ar) novamente|decol(?:ou|aram|ar) de novo|voltou a decolar",
    },
    "aircraft": {
        "en": r"\b(?:aircraft|plane|jet|jets|airplane|airliner|bomber|bombers|fighter|fighters|flight|flights|"
              r"helicopter|drone|A3\d\d|Boeing|Airbus|Embraer|Falcon|Gulfstream|B-\d+\w?|F/A-18\w?|tracking|ADS-?B)\b",
        "es": r"\b(?:avión|aviones|aeronave|aeronaves|jet|bombardero|bombarderos|caza|cazas|vuelo|vuelos|"
              r"helicóptero|dron|Airbus|Boeing|Embraer|B-\d+\w?|ADS-?B)\b",
        "pt": r"\b(?:avião|aviões|aeronave|aeronaves|jato|jatos|bombardeiro|bombardeiros|caça|caças|voo|voos|"
              r"helicóptero|drone|Airbus|Boeing|Embraer|B-\d+\w?|ADS-?B)\b",
    },
    "capital": {
        "en": r"(?:the\s+)?(?:(\w+)\s+)?capital",
        "es": r"(?:la\s+)?capital(?:\s+(\w+))?",
        "pt": r"(?:a\s+)?capital(?:\s+(\w+))?",
    },
}

#: Event verbs and the prepositions that introduce their place: the place is looked for after each preposition
#: within SLOT_REACH characters of the verb ("aterrizó hace instantes en el aeropuerto de Punta Cana"); verbs in
#: `direct` also take it right after them ("departed Caracas").
SLOT_REACH = 50
SLOTS: dict[str, dict[str, tuple[str, str, str]]] = {
    "depart": {
        "en": (r"departed|departing|depart|took off|taking off|take off|left|leave|flew out|set off|flew|flown|flying|"
               r"fly|flight|coming|arriving|arrived", r"from|out of", r"departed|left"),
        "es": (r"despeg(?:ó|aron|ar|ado)|parti(?:ó|eron|r|do)|sali(?:ó|eron|r|do)|vol(?:ó|aron|ado)|"
               r"procedente|proveniente", r"desde|de|del", ""),
        "pt": (r"decol(?:ou|aram|ar|ado|ada)|parti(?:u|ram|r|do)|sa(?:iu|íram|ir|ído)|vo(?:ou|aram|ado)|"
               r"procedente|proveniente|vindo|vinda", r"desde|de|do|da", ""),
    },
    "land": {
        "en": (r"landed|landing|land|touched down|touch down|arrived|arriving|arrive", r"at|in|on", ""),
        "es": (r"aterriz(?:ó|aron|aje|ar|ara|ado)|lleg(?:ó|aron|ar|ado)", r"en|a|al", ""),
        "pt": (r"pous(?:ou|aram|o|ar|ado)|aterriss(?:ou|aram|ar|ado)|cheg(?:ou|aram|ar|ado)", r"em|no|na|a|ao|à", ""),
    },
    "return": {
        "en": (r"returned|returning|flew back|headed back|was back|came back|went back|back", r"to|in|at", ""),
        "es": (r"regres(?:ó|aron|ar)|volvi(?:ó|eron)|volver|retorn(?:ó|aron|ar)|de regreso|de vuelta", r"a|al|en", ""),
        "pt": (r"retorn(?:ou|aram|ar)|volt(?:ou|aram|ar)|regress(?:ou|aram|ar)|de volta", r"a|ao|à|para|em", ""),
    },
}

#: Numbers written as words (the usual ones in flight reports).
NUMBER_WORDS: dict[str, dict[str, float]] = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
           "a hundred": 100, "half an": 0.5, "an": 1, "a": 1},
    "es": {"uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
           "ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "quince": 15, "veinte": 20, "treinta": 30,
           "cuarenta": 40, "cincuenta": 50, "media": 0.5, "cien": 100},
    "pt": {"um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7,
           "oito": 8, "nove": 9, "dez": 10, "doze": 12, "quinze": 15, "vinte": 20, "trinta": 30,
           "quarenta": 40, "cinquenta": 50, "meia": 0.5, "cem": 100},
}

#: Distance units -> km per unit (the nautical mile from tracks.geo.geodesy, the statute mile exact).
UNITS = (
    (r"nautical miles?|nmi|NM|nm|millas náuticas|milla náutica|milhas náuticas|milha náutica", "nm"),
    (r"kilometres?|kilometers?|kilómetros?|quilômetros?|quilómetros?|kms?|km", "km"),
    (r"miles?|millas?|milhas?|mi", "mi"),
)
DURATIONS = (
    (r"minutes?|mins?|minutos?", 60.0),
    (r"hours?|hrs?|horas?", 3600.0),
)


@cache
def pattern(key: str, lang: str) -> re.Pattern[str]:
    """The compiled regex of one lexicon entry, with NUM, UNIT and DUR filled in."""
    text = LEX[key][lang]
    words = sorted(NUMBER_WORDS[lang], key=len, reverse=True)
    num = r"\d+(?:[.,]\d+)?|" + "|".join(re.escape(w) for w in words)
    text = text.replace("NUM", num).replace("UNIT", "|".join(u for u, _ in UNITS)).replace(
        "DUR", "|".join(d for d, _ in DURATIONS))
    return re.compile(text, re.IGNORECASE)


def number(text: str, lang: str) -> float:
    """'6' -> 6.0, '1,5' -> 1.5, 'six' / 'seis' -> 6.0."""
    t = text.strip().lower()
    if t in NUMBER_WORDS[lang]:
        return float(NUMBER_WORDS[lang][t])
    return float(t.replace(",", "."))


def unit_km(unit: str) -> tuple[float, str]:
    """km per unit and the unit's short name for a unit as written ('nautical miles' -> (1.852, 'nm'))."""
    from tracks.units import KM_PER_MI, KM_PER_NM

    for pat, name in UNITS:
        if re.fullmatch(pat, unit.strip(), re.IGNORECASE if name != "nm" or unit.strip() != "NM" else 0):
            return {"nm": KM_PER_NM, "km": 1.0, "mi": KM_PER_MI}[name], name
    raise ValueError(f"unknown distance unit {unit!r}")


def duration_s(unit: str) -> float:
    """Seconds per duration unit as written ('minutos' -> 60)."""
    for pat, seconds in DURATIONS:
        if re.fullmatch(pat, unit.strip(), re.IGNORECASE):
            return seconds
    raise ValueError(f"unknown duration unit {unit!r}")
