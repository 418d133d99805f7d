from django.conf import settings


def site(request) -> dict:
    return {"site_name": settings.TOCSIN_SITE_NAME}
