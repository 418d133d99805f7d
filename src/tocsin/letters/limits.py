"""Rate limits on writing: per client address and per supporter's address, each over a
minute and an hour, counted by core.ratelimits (fixed windows in the cache, shared by every
web process when the cache is Redis).

A submission over a limit is refused and the supporter is asked to try later: a letter goes
out in someone's name, so unlike a signature it is not worth holding for review. The client
address windows leave room for a phone bank or a school, where many people share one address;
the per-address windows stop one mailbox being used to flood offices.
"""

from tocsin.core import ratelimits

# (seconds, most submissions) per window.
PER_CLIENT = ((60, 10), (3600, 60))
PER_ADDRESS = ((60, 3), (3600, 10))


def over_limit(action_id: int, *, ip_address: str, email: str) -> bool:
    """Whether one more submission on this action from these goes over a limit. Every window
    is counted, so each counter stays right."""
    checked = [
        (f"letters:{action_id}:ip", ip_address or "unknown", seconds, most)
        for seconds, most in PER_CLIENT
    ] + [(f"letters:{action_id}:email", email, seconds, most) for seconds, most in PER_ADDRESS]
    counts = ratelimits.hit_many([(scope, value, seconds) for scope, value, seconds, _ in checked])
    return any(count > most for count, (*_key, most) in zip(counts, checked, strict=True))
