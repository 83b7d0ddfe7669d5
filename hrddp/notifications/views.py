"""Notification pages: each user's own notifications, and marking them read."""

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hrddp.accounts.access import role_required
from hrddp.pagination import paginate

from . import queries, services
from .forms import NotificationReadForm


@role_required()
def notification_list(request):
    page = paginate(request, queries.notifications_of(request.user))
    return render(request, "notifications/notification_list.html", {"page_obj": page})


@require_POST
@role_required()
def notification_read(request):
    form = NotificationReadForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    pk = form.cleaned_data["notification"]
    notification = None
    if pk is not None:
        notification = queries.get_notification_for_user(request.user, pk)
    services.mark_read(request.user, notification)
    return redirect("notifications:list")
