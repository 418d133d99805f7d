"""Who may put a page of ours in a frame: the Content-Security-Policy's frame-ancestors.

The site's policy says 'none'; a page that may be framed replaces that one directive through
django-csp's public `csp_replace`, applied to the response the view already made (the sites
allowed depend on the campaign, so a decorator fixed at import time cannot name them).
"""

from collections.abc import Iterable

from csp.decorators import csp_replace
from django.http import HttpResponseBase


def framed_by(response: HttpResponseBase, origins: Iterable[str] = ()) -> HttpResponseBase:
    """This response may be framed by the site itself and by `origins`."""
    policy = {"frame-ancestors": ["'self'", *origins]}
    return csp_replace(policy)(lambda: response)()
