"""Two-factor sign-in (TOTP, with one-time recovery codes): required for managers and
administrators, optional for everyone else."""

import re
from base64 import b32encode
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrddp.accounts.access import must_use_two_factor
from hrddp.accounts.two_factor import has_two_factor, new_recovery_codes, verify_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"
MANAGE = "/accounts/two-factor/"
CODES = "/accounts/two-factor/recovery-codes/"
OFF = "/accounts/two-factor/off/"


def code_for(device, steps_ahead=0):
    """The code the user's authenticator app shows now (or ``steps_ahead`` periods later: a code is
    accepted once, and one period either side of now is tolerated)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def device_for(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def password_sign_in(client, username, next_url=""):
    data = {"username": username, "password": "pw"}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN, data)
    assert response.status_code == 302, "the password was refused"
    return response


def is_verified(client):
    return "otp_device_id" in client.session


LINK = re.compile(r"https?://\S+/accounts/two-factor/setup/\S+")


def emailed_link(client, user, next_url=""):
    """The setup page emails ``user`` a link (to their address); its path and query."""
    if not user.email:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    client.post(SETUP, {"send_link": "1", **({"next": next_url} if next_url else {})})
    message = mail.outbox[-1]
    assert message.to == [user.email]
    link = urlsplit(LINK.search(message.body).group(0))
    return f"{link.path}?{link.query}" if link.query else link.path


def follow_emailed_link(client, user, next_url=""):
    """The account's holder asks for the setup link and follows it from their mailbox."""
    response = client.get(emailed_link(client, user, next_url))
    assert response.status_code == 302
    return response


def shows_a_secret(page):
    return "<svg" in page.text or "two-factor-secret" in page.text


# Who must use it


def test_managers_and_administrators_must_use_two_factor_and_others_may(
    hro, ssr_advisor, manager, auditor, administrator, outsider, no_role_user
):
    required = {
        user.username: must_use_two_factor(user)
        for user in (hro, ssr_advisor, manager, auditor, administrator, outsider, no_role_user)
    }

    assert required == {
        "hro": False,
        "ssr": False,
        "manager": True,
        "auditor": False,
        "administrator": True,
        "outsider": False,
        "nobody": False,
    }


def test_whoever_may_enter_the_django_admin_must_use_two_factor(db):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    staff = get_user_model().objects.create_user("staff", password="pw", is_staff=True)

    assert must_use_two_factor(superuser) and must_use_two_factor(staff)


# The forced setup at first sign-in


def test_a_manager_without_a_device_is_sent_to_setup_after_the_password(client, manager):
    response = password_sign_in(client, "manager", next_url="/requests/")
    response = client.get(response.url)

    assert response.status_code == 302
    assert response.url == f"{SETUP}?next={quote('/requests/', safe='')}"
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Your role requires a second step at sign-in" in page.text


@pytest.mark.parametrize(
    "path", ["/", "/requests/", "/registry/units/", "/accounts/password/", MANAGE, CODES, "/admin/"]
)
def test_until_the_second_factor_every_page_sends_to_it(client, manager, path):
    password_sign_in(client, "manager")

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(SETUP)


def test_the_django_admin_asks_for_the_code_too(client):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    device_for(superuser)
    client.post("/admin/login/", {"username": "root", "password": "pw"})

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next={quote('/admin/', safe='')}"


def test_sign_out_and_the_language_switch_stay_reachable_before_the_second_factor(client, manager):
    password_sign_in(client, "manager")

    assert client.post("/i18n/setlang/", {"language": "fr", "next": SETUP}).url == SETUP
    assert client.post("/accounts/logout/").url == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_setup_page_shows_a_qr_code_without_inline_style_and_the_secret(client, manager):
    password_sign_in(client, "manager")
    follow_emailed_link(client, manager)

    response = client.get(SETUP)

    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert "<svg" in response.text and "<path" in response.text
    assert "style=" not in response.text and "<style" not in response.text
    secret = b32encode(device.bin_key).decode().rstrip("=")
    shown = response.context["secret"]
    assert shown.replace(" ", "") == secret and shown in response.text
    # Reloading shows the same secret until it is confirmed.
    assert client.get(SETUP).context["secret"] == shown


def test_a_wrong_code_does_not_turn_two_factor_on(client, manager):
    password_sign_in(client, "manager")
    follow_emailed_link(client, manager)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 200
    assert "This code does not match" in response.text
    assert not has_two_factor(manager) and not is_verified(client)


def test_confirming_setup_turns_it_on_and_shows_ten_recovery_codes_once(client, manager):
    password_sign_in(client, "manager")
    follow_emailed_link(client, manager)
    device = TOTPDevice.objects.get(user=manager)

    response = client.post(SETUP, {"code": code_for(device), "next": "/requests/"})

    assert response.status_code == 302
    assert response.url == f"{CODES}?next={quote('/requests/', safe='')}"
    assert has_two_factor(manager) and is_verified(client)
    page = client.get(response.url)
    codes = page.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in page.text for code in codes)
    assert 'href="/requests/"' in page.text
    # Shown once: the page does not show them again.
    again = client.get(CODES)
    assert again.context["codes"] is None
    assert not any(code in again.text for code in codes)
    assert "10 unused recovery codes" in again.text
    # And now the manager goes where they were going.
    assert client.get("/requests/").status_code == 200


# The first authenticator needs the account's mailbox, not only its password


def test_trust_11_a_password_alone_cannot_enrol_the_first_authenticator(client, manager):
    """Whoever holds the manager's password signs in first: they never see a secret to scan, and
    a code from the authenticator being set up is refused until the emailed link was followed."""
    manager.email = "manager@example.org"
    manager.save(update_fields=["email"])
    password_sign_in(client, "manager")

    page = client.get(SETUP)
    assert page.status_code == 200 and not shows_a_secret(page)
    assert "Email me the link" in page.text
    client.post(SETUP, {"send_link": "1"})
    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert not shows_a_secret(page)
    assert b32encode(device.bin_key).decode().rstrip("=")[:8] not in page.text
    assert mail.outbox[-1].to == ["manager@example.org"]
    assert LINK.search(mail.outbox[-1].body).group(0) not in page.text

    response = client.post(SETUP, {"code": code_for(device)})  # as if the secret had leaked

    assert not shows_a_secret(response) and not has_two_factor(manager)
    assert not is_verified(client)


def test_trust_11_the_emailed_link_works_once_for_its_account_within_a_day(
    client_for, manager, hro
):
    holder = Client()
    password_sign_in(holder, "manager")
    link = emailed_link(holder, manager)
    # Another account cannot use it.
    other = client_for(hro)
    other.get(link)
    assert not shows_a_secret(other.get(SETUP))
    # It lapses after a day.
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        late = Client()
        password_sign_in(late, "manager")
        late.get(link)
        assert not shows_a_secret(late.get(SETUP))

    holder.get(link)
    assert shows_a_secret(holder.get(SETUP))

    # Used up: a second session following the same link sees no secret.
    second = Client()
    password_sign_in(second, "manager")
    response = second.get(link, follow=True)
    assert "expired or was already used" in response.text
    assert not shows_a_secret(second.get(SETUP))


def test_an_account_without_an_email_address_is_told_to_ask_an_administrator(client, manager):
    password_sign_in(client, "manager")

    page = client.get(SETUP)
    client.post(SETUP, {"send_link": "1"})

    assert "Ask an administrator to add one" in page.text
    assert mail.outbox == []


# The code after the password


def test_a_user_with_a_device_enters_a_code_after_the_password_then_goes_on(client, hro):
    device = device_for(hro)
    response = password_sign_in(client, "hro", next_url="/registry/units/")

    response = client.get(response.url)
    assert response.url == f"{VERIFY}?next={quote('/registry/units/', safe='')}"
    assert client.get(response.url).status_code == 200

    response = client.post(VERIFY, {"code": code_for(device), "next": "/registry/units/"})

    assert response.status_code == 302 and response.url == "/registry/units/"
    assert is_verified(client)
    assert client.get("/registry/units/").status_code == 200


def test_a_wrong_code_keeps_the_user_out(client, manager):
    device_for(manager)
    password_sign_in(client, "manager")

    response = client.post(VERIFY, {"code": "123456"})

    assert response.status_code == 200
    assert "This code is not valid" in response.text
    assert not is_verified(client)
    assert client.get("/").url.startswith(VERIFY)


def test_wrong_codes_slow_down_guessing(manager):
    device = device_for(manager)
    assert not verify_code(manager, "000000")

    assert not verify_code(manager, code_for(device))  # too soon after a wrong one
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        assert verify_code(manager, code_for(device))


def test_a_code_is_accepted_only_once(client, manager):
    device = device_for(manager)
    code = code_for(device)
    assert verify_code(manager, code)

    assert not verify_code(manager, code)


def test_a_recovery_code_signs_in_once(client, manager):
    device_for(manager)
    codes = new_recovery_codes(manager)
    password_sign_in(client, "manager")

    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/requests/"})

    assert response.url == "/requests/"
    assert is_verified(client)
    assert StaticToken.objects.filter(device__user=manager).count() == 9
    client.post("/accounts/logout/")
    password_sign_in(client, "manager")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert not is_verified(client)


def test_new_recovery_codes_replace_the_old_ones(client_for, manager):
    old = new_recovery_codes(manager)
    client = client_for(manager)

    response = client.post(CODES)

    assert response.status_code == 302
    new = client.get(CODES).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert verify_code(manager, new[0])
    assert not verify_code(manager, old[0])


def test_verify_code_takes_a_totp_code_or_an_unused_recovery_code(manager, hro):
    device = device_for(manager)
    codes = new_recovery_codes(manager)

    assert verify_code(manager, code_for(device))
    assert verify_code(manager, codes[3])
    assert verify_code(manager, f" {codes[4][:4]}-{codes[4][4:].upper()} ")
    # (A wrong code makes the next try wait a second or more: django-otp's throttling.)
    assert not verify_code(hro, codes[5])  # another user's code
    assert not verify_code(manager, codes[3])  # used up
    assert not verify_code(manager, "")


def test_has_two_factor_counts_only_a_confirmed_device(manager):
    TOTPDevice.objects.create(user=manager, name="half set up", confirmed=False)
    assert not has_two_factor(manager)

    device_for(manager)
    assert has_two_factor(manager)


def test_the_page_after_the_code_must_be_on_this_site(client, hro):
    device = device_for(hro)
    password_sign_in(client, "hro")

    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})

    assert response.url == "/"


# Optional for everyone else


def test_a_user_whose_role_does_not_require_it_signs_in_with_the_password_alone(client, hro):
    password_sign_in(client, "hro")

    assert client.get("/").status_code == 200


def test_the_user_menu_leads_to_the_two_factor_page(client_for, hro):
    response = client_for(hro).get("/")

    assert f'href="{MANAGE}"' in response.text
    assert "Two-factor sign-in" in response.text


def test_the_two_factor_page_walks_the_ladder(client, client_for, no_role_user):
    assert client.get(MANAGE).url.startswith(LOGIN)

    response = client_for(no_role_user).get(MANAGE)

    assert response.status_code == 200
    assert "Two-factor sign-in is off" in response.text
    assert f'href="{SETUP}"' in response.text


def test_a_user_may_set_it_up_by_choice_and_turn_it_off(client_for, hro):
    client = client_for(hro)
    follow_emailed_link(client, hro)
    device = TOTPDevice.objects.get(user=hro)
    client.post(SETUP, {"code": code_for(device)})
    assert has_two_factor(hro)
    assert "Turn off two-factor sign-in" in client.get(MANAGE).text

    response = client.post(OFF)

    assert response.url == MANAGE
    assert not has_two_factor(hro)
    assert not StaticToken.objects.filter(device__user=hro).exists()
    assert client.get("/").status_code == 200


def test_a_manager_cannot_turn_it_off(client_for, manager):
    client = client_for(manager)

    assert "cannot be turned off" in client.get(MANAGE).text
    assert client.post(OFF).status_code == 403
    assert has_two_factor(manager)


def test_a_session_opened_before_the_device_cannot_manage_it(client, hro):
    password_sign_in(client, "hro")  # no device yet: no second factor asked
    device_for(hro)  # turned on meanwhile, from another device

    assert client.post(OFF).url == MANAGE
    assert client.post(CODES).url == MANAGE
    assert has_two_factor(hro)
    assert client.get(MANAGE).url.startswith(VERIFY)


# The API authenticates by token, not by this session


def test_api_requests_are_not_sent_to_the_two_factor_pages(client, manager):
    password_sign_in(client, "manager")

    response = client.get("/api/")

    assert not (response.status_code == 302 and "two-factor" in response.get("Location", ""))


def test_the_test_personas_signed_in_by_client_for_are_verified(client_for, manager, administrator):
    assert client_for(manager).get("/").status_code == 200
    assert client_for(administrator).get("/").status_code == 200


def test_the_admin_may_remove_a_users_device_but_never_sees_its_secret(client_for, manager):
    device = device_for(manager)
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client = client_for(root)

    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")

    assert page.status_code == 200
    assert device.key not in page.text
    assert b32encode(device.bin_key).decode().rstrip("=") not in page.text
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not has_two_factor(manager)
