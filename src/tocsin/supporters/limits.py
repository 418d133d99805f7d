"""How many forms one client address may send in an hour: joins per campaign, answers per
event session (the numbers are in the back office's switches, core.models.Switches: generous,
as people at one meeting may share one connection). Counted by core.ratelimits."""

from dataclasses import dataclass

from django.http import HttpRequest

from tocsin.core import ratelimits, switches
from tocsin.core.http import client_ip

HOUR = 3600


@dataclass(frozen=True)
class HourlyLimit:
    scope: str
    client: str
    most: int

    def allows_one_more(self) -> bool:
        """Counts this submission and says whether it is within the limit."""
        return ratelimits.hit(self.scope, self.client, HOUR) <= self.most


def per_client(request: HttpRequest, scope: str, most: int) -> HourlyLimit:
    return HourlyLimit(scope=scope, client=client_ip(request), most=most)


def join_limit(request: HttpRequest, campaign) -> HourlyLimit:
    return per_client(request, f"join:{campaign.pk}", switches.current().joins_per_ip_per_hour)


def rsvp_limit(request: HttpRequest, session) -> HourlyLimit:
    return per_client(request, f"rsvp:{session.pk}", switches.current().rsvps_per_ip_per_hour)
