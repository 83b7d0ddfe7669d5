"""A mixed read load for ``benchmarks/pages.py --load``: HROs and managers browsing.

Started by pages.py, which passes the records to open (``BENCH_IDS``) and one-time codes for the
managers' second factor (``BENCH_CODES``). Each simulated user signs in once, then browses with a
short pause between pages, as a person clicking through would, only faster.
"""

import json
import os
import random

from locust import HttpUser, between, task

IDS = json.loads(os.environ.get("BENCH_IDS", "{}"))
CODES = json.loads(os.environ.get("BENCH_CODES", "[]"))
PASSWORD = "demo1234"


class SignedIn(HttpUser):
    abstract = True
    username = None
    wait_time = between(0.05, 0.3)

    def on_start(self):
        # The production session cookie is Secure and the server sits behind a TLS proxy: send the
        # proxy's header and carry the cookies by hand (requests would not send Secure cookies).
        self.cookies = {}
        self.send("GET", "/accounts/login/", name="sign-in")
        self.send(
            "POST",
            "/accounts/login/",
            name="sign-in",
            data={
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "username": self.username,
                "password": PASSWORD,
            },
        )
        home = self.send("GET", "/", name="sign-in", expected=(200, 302))
        if "two-factor" in home.headers.get("Location", ""):
            self.send(
                "POST",
                "/accounts/two-factor/verify/",
                name="sign-in",
                data={"csrfmiddlewaretoken": self.cookies["csrftoken"], "code": CODES.pop()},
            )

    def send(self, method, path, name=None, data=None, expected=None):
        headers = {
            "X-Forwarded-Proto": "https",
            "Accept-Encoding": "gzip",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if method == "POST":
            headers["Origin"] = self.host.replace("http:", "https:")
            headers["Referer"] = self.host + path
        with self.client.request(
            method,
            path,
            name=name or path,
            data=data,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.cookies.update(response.cookies.get_dict())
            expected = expected or ((302,) if method == "POST" else (200,))
            if response.status_code not in expected:
                response.failure(f"{response.status_code} for {path}")
            return response

    def page(self, path, name):
        self.send("GET", path.format(**IDS), name=name)


class HumanRightsOfficer(SignedIn):
    username = "hro"
    weight = 3

    @task(4)
    def violations(self):
        page = random.randint(1, 5)
        self.page(f"/registry/violations/?page={page}", "violations list")

    @task(2)
    def violations_filtered(self):
        self.page(
            "/registry/violations/?grave=on&verification_status=credible", "violations, grave"
        )

    @task(2)
    def units(self):
        self.page("/registry/units/", "units list")

    @task(2)
    def people(self):
        self.page("/registry/people/", "people list")

    @task(1)
    def assignments(self):
        self.page("/registry/assignments/", "assignments list")

    @task(2)
    def triage(self):
        self.page("/registry/violations/triage/", "triage")

    @task(3)
    def unit(self):
        key = random.choice(["root", "mid", "leaf"])
        self.page(f"/registry/units/{{{key}}}/", f"unit page ({key})")

    @task(2)
    def person(self):
        self.page("/registry/people/{person}/", "person page")

    @task(2)
    def violation(self):
        self.page("/registry/violations/{violation}/", "violation page")

    @task(2)
    def home(self):
        self.page("/", "home")

    @task(2)
    def api_violations(self):
        self.page("/api/v1/violations/?page_size=50", "API violations")

    @task(1)
    def api_units(self):
        self.page("/api/v1/units/?page_size=50", "API units")


class Manager(SignedIn):
    username = "manager"
    weight = 2

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(2)
    def requests(self):
        self.page("/requests/", "support requests")

    @task(3)
    def request(self):
        self.page("/requests/{request}/", "request page")

    @task(3)
    def assessment(self):
        self.page("/assessments/{assessment}/", "assessment page")

    @task(1)
    def interventions(self):
        self.page("/assessments/interventions/", "interventions")

    @task(1)
    def intervention(self):
        self.page("/assessments/interventions/{intervention}/", "intervention page")

    @task(1)
    def insights(self):
        self.page("/insights/", "insights")

    @task(1)
    def api_requests(self):
        self.page("/api/v1/support-requests/", "API support requests")
