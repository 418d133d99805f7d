"""Rate limits on call reports: per client address on each campaign, and per campaign from
everyone, each over a minute and an hour. They are counted by core.ratelimits (fixed windows in
the cache), so every web process counts together when the cache is Redis.
The client address is core.http.client_ip's, so behind a proxy each supporter has their own.

A report over a limit is not counted, and the supporter is told so: a call report has nobody to
review it, so holding it would only hide from the supporter that it was left out, and the call
itself, which is what matters, has already been made. Without Redis each process counts on its
own, and while Redis is down every report counts as the first (core/ratelimits.py): the
limits are then looser, never stricter.

The numbers are in the back office's switches (core.models.Switches); the defaults leave room
for a phone bank, where a room of volunteers shares one address.
"""

from tocsin.core import ratelimits, switches


def over_limit(action_id: int, ip_address: str) -> bool:
    """Whether one more report for this action from this address goes over a limit. Every
    window is counted, so each counter stays right."""
    values = {"ip": ip_address or "unknown", "campaign": ""}
    checked = [
        (f"calls:{action_id}:{kind}", values[kind], seconds, most)
        for kind, windows in switches.current().call_report_limits().items()
        for seconds, most in windows
    ]
    counts = ratelimits.hit_many([(scope, value, seconds) for scope, value, seconds, _ in checked])
    return any(count > most for count, (*_key, most) in zip(counts, checked, strict=True))
