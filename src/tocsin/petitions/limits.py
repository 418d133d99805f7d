"""Rate limits on signing, per IP address, email domain and country, each over a minute and an
hour (the numbers are in the back office's switches, core.models.Switches), counted by
core.ratelimits. A signature over a limit is not refused: it is held for review, quietly.
"""

from tocsin.core import ratelimits, switches

from .models import PetitionAction


def over_limit(petition: PetitionAction, *, ip_hash: str, domain: str, country: str) -> bool:
    """Whether one more signature from these goes over a limit. Every window is counted, so
    each counter stays right."""
    values = {"ip": ip_hash, "domain": domain, "country": country}
    checked = [
        (f"sign:{petition.pk}:{kind}", values[kind], seconds, most)
        for kind, windows in switches.current().signing_limits().items()
        if values[kind]
        for seconds, most in windows
    ]
    counts = ratelimits.hit_many([(scope, value, seconds) for scope, value, seconds, _ in checked])
    return any(count > most for count, (*_key, most) in zip(counts, checked, strict=True))
