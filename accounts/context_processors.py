"""Template context shared by every page: the council's name and the service navigation."""

from django.conf import settings

from accounts.access import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "service_navigation": navigation_for(user, request.path) if user is not None else [],
    }
