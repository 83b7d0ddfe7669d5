from django.conf import settings
from django.views import i18n as i18n_views


def set_language(request):
    """Django's language switch, which also keeps the choice on the user's account, so that their
    other devices and the emails they receive use it."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
