"""The organizers' pages outside the admin (/organize/…) ask for the second factor as the admin
does (organizations.sites); pages for supporters never do."""

from tocsin.organizations.sites import redirect_to_step, second_factor_step

GUARDED_PREFIXES = ("/organize/",)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(GUARDED_PREFIXES):
            step = second_factor_step(request)
            if step is not None:
                return redirect_to_step(request, step)
        return self.get_response(request)
