from django.shortcuts import render

from hrddp.accounts.access import role_required
from hrddp.accounts.models import Role
from hrddp.notifications.mail import explain

from .queries import set_aside_mail


@role_required(Role.ADMINISTRATOR)
def mail_set_aside(request):
    """Mail that could not be sent, to the members of the administrator's entities, with why."""
    rows, more = set_aside_mail(request.user)
    messages = [
        {
            "queued": message.when_added,
            "to": ", ".join(email.to) if email else "",
            "subject": email.subject if email else "",
            "attempted": log.when_attempted if log else None,
            "explanation": explain(log.log_message if log else ""),
            "error": log.log_message if log else "",
        }
        for message, email, log in rows
    ]
    return render(
        request, "ops/mail_set_aside.html", {"messages_set_aside": messages, "more": more}
    )
