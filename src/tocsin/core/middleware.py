"""Middleware that does per request only what differs between requests."""

from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.utils.functional import SimpleLazyObject, empty

# What a view's @csp_update, @csp_replace, @csp_exempt… leave on its response.
_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the site-wide headers built once per process.

    django-csp rebuilds both headers from the settings on every response (about 50 µs, a tenth
    of a cached page's time). A response whose view used a nonce or one of django-csp's
    decorators still goes through django-csp's own code."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.headers = {
            header: value
            for header, value in (
                (HEADER, build_policy(**asdict(PolicyParts()))),
                (HEADER_REPORT_ONLY, build_policy(**asdict(PolicyParts()), report_only=True)),
            )
            if value
        }
        self.excluded_prefixes = {
            HEADER: _excluded_prefixes("CONTENT_SECURITY_POLICY"),
            HEADER_REPORT_ONLY: _excluded_prefixes("CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        }

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE_POLICY)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, value in self.headers.items():
            if header not in response and not request.path_info.startswith(
                self.excluded_prefixes[header]
            ):
                response[header] = value
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def _excluded_prefixes(setting: str) -> tuple[str, ...]:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())


class LazyMessageMiddleware(MessageMiddleware):
    """Django's message middleware, opening the message store only for a request that uses it.

    Supporters' pages never show messages; the back office does."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
