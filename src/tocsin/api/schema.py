"""What drf-spectacular needs to know of our authentication (imported in ApiConfig.ready)."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class OsdiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tocsin.api.auth.OsdiTokenAuthentication"
    name = "osdiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}


class OsdiAutoSchema(AutoSchema):
    """Operation ids from the view's name ("get_people", "post_signatures"), unique and
    readable, instead of ids guessed from the path."""

    def get_operation_id(self):
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(self.view).__name__).lower()
        return f"{self.method.lower()}_{name}"
