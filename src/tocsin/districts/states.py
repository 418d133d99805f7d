"""The states, DC and territories that send members to Congress.

A small table we keep ourselves: USPS code, FIPS code, name, whether the place has
senators, and the time zone most of its people live in (offices use it for local time).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    usps: str
    fips: str
    name: str
    has_senators: bool
    timezone: str


_ROWS = [
    ("AL", "01", "Alabama", True, "America/Chicago"),
    ("AK", "02", "Alaska", True, "America/Anchorage"),
    ("AZ", "04", "Arizona", True, "America/Phoenix"),
    ("AR", "05", "Arkansas", True, "America/Chicago"),
    ("CA", "06", "California", True, "America/Los_Angeles"),
    ("CO", "08", "Colorado", True, "America/Denver"),
    ("CT", "09", "Connecticut", True, "America/New_York"),
    ("DE", "10", "Delaware", True, "America/New_York"),
    ("DC", "11", "District of Columbia", False, "America/New_York"),
    ("FL", "12", "Florida", True, "America/New_York"),
    ("GA", "13", "Georgia", True, "America/New_York"),
    ("HI", "15", "Hawaii", True, "Pacific/Honolulu"),
    ("ID", "16", "Idaho", True, "America/Boise"),
    ("IL", "17", "Illinois", True, "America/Chicago"),
    ("IN", "18", "Indiana", True, "America/Indiana/Indianapolis"),
    ("IA", "19", "Iowa", True, "America/Chicago"),
    ("KS", "20", "Kansas", True, "America/Chicago"),
    ("KY", "21", "Kentucky", True, "America/New_York"),
    ("LA", "22", "Louisiana", True, "America/Chicago"),
    ("ME", "23", "Maine", True, "America/New_York"),
    ("MD", "24", "Maryland", True, "America/New_York"),
    ("MA", "25", "Massachusetts", True, "America/New_York"),
    ("MI", "26", "Michigan", True, "America/Detroit"),
    ("MN", "27", "Minnesota", True, "America/Chicago"),
    ("MS", "28", "Mississippi", True, "America/Chicago"),
    ("MO", "29", "Missouri", True, "America/Chicago"),
    ("MT", "30", "Montana", True, "America/Denver"),
    ("NE", "31", "Nebraska", True, "America/Chicago"),
    ("NV", "32", "Nevada", True, "America/Los_Angeles"),
    ("NH", "33", "New Hampshire", True, "America/New_York"),
    ("NJ", "34", "New Jersey", True, "America/New_York"),
    ("NM", "35", "New Mexico", True, "America/Denver"),
    ("NY", "36", "New York", True, "America/New_York"),
    ("NC", "37", "North Carolina", True, "America/New_York"),
    ("ND", "38", "North Dakota", True, "America/Chicago"),
    ("OH", "39", "Ohio", True, "America/New_York"),
    ("OK", "40", "Oklahoma", True, "America/Chicago"),
    ("OR", "41", "Oregon", True, "America/Los_Angeles"),
    ("PA", "42", "Pennsylvania", True, "America/New_York"),
    ("RI", "44", "Rhode Island", True, "America/New_York"),
    ("SC", "45", "South Carolina", True, "America/New_York"),
    ("SD", "46", "South Dakota", True, "America/Chicago"),
    ("TN", "47", "Tennessee", True, "America/Chicago"),
    ("TX", "48", "Texas", True, "America/Chicago"),
    ("UT", "49", "Utah", True, "America/Denver"),
    ("VT", "50", "Vermont", True, "America/New_York"),
    ("VA", "51", "Virginia", True, "America/New_York"),
    ("WA", "53", "Washington", True, "America/Los_Angeles"),
    ("WV", "54", "West Virginia", True, "America/New_York"),
    ("WI", "55", "Wisconsin", True, "America/Chicago"),
    ("WY", "56", "Wyoming", True, "America/Denver"),
    ("AS", "60", "American Samoa", False, "Pacific/Pago_Pago"),
    ("GU", "66", "Guam", False, "Pacific/Guam"),
    ("MP", "69", "Northern Mariana Islands", False, "Pacific/Saipan"),
    ("PR", "72", "Puerto Rico", False, "America/Puerto_Rico"),
    ("VI", "78", "U.S. Virgin Islands", False, "America/St_Thomas"),
]

STATES: dict[str, State] = {row[0]: State(*row) for row in _ROWS}
_BY_FIPS: dict[str, State] = {state.fips: state for state in STATES.values()}

# Places whose member of the House is a non-voting delegate (or Resident Commissioner).
DELEGATE_PLACES = frozenset(usps for usps, state in STATES.items() if not state.has_senators)


def state_by_fips(fips: str) -> State | None:
    return _BY_FIPS.get(fips.zfill(2))


def state_choices() -> list[tuple[str, str]]:
    return sorted(((s.usps, s.name) for s in STATES.values()), key=lambda pair: pair[1])
