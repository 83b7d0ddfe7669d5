"""Everything a page can do, the API can do (issue 14).

The product's page actions are (a) every action of the workflow's tables (``TRANSITIONS`` for
requests, ``INTERVENTION_ACTIONS`` for interventions) and (b) every page route that answers a POST.
Each is mapped to the API operation that does the same through the same service; routes that are
no product action (signing in, second factors, the language) are excluded with a reason. A new
POST route or workflow action without an API operation fails here.
"""

import ast
import inspect
import textwrap

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from assessments import workflow

# Page route (its URL name) -> the API operation doing the same: (HTTP method, API URL name), or a
# list of them where one page route serves several kinds of record.
PAGE_ACTIONS = {
    # registry
    "registry:institution_create": ("post", "api:institution-list"),
    "registry:institution_update": ("put", "api:institution-detail"),
    "registry:unit_create": ("post", "api:unit-list"),
    "registry:unit_update": ("put", "api:unit-detail"),
    "registry:person_create": ("post", "api:person-list"),
    "registry:person_update": ("put", "api:person-detail"),
    "registry:assignment_create": ("post", "api:assignment-list"),
    "registry:assignment_update": ("put", "api:assignment-detail"),
    "registry:violation_create": ("post", "api:violation-list"),
    "registry:violation_update": ("put", "api:violation-detail"),
    # ``verification_status`` (and its note) on the violation, through set_verification_status.
    "registry:violation_verify": ("patch", "api:violation-detail"),
    # Issue 16: the triage queue's bulk decisions; the confirmation's preview is
    # api:violation-verification-preview, the confirmed change the same PATCH; the day's undo.
    "registry:triage_bulk": ("post", "api:violation-triage-bulk"),
    "assessments:verification_confirm": ("patch", "api:violation-detail"),
    "assessments:verification_undo": ("post", "api:violation-verification-undo"),
    # support requests
    "support:create": ("post", "api:support-request-list"),
    "support:update": ("put", "api:support-request-detail"),
    "support:transition": ("post", "api:support-request-transitions"),
    "support:communication_add": ("post", "api:communication-list"),
    "support:delivery_add": ("post", "api:support-request-deliveries"),
    # assessments and interventions
    "assessments:edit": ("put", "api:assessment-detail"),
    "assessments:new_version": ("post", "api:assessment-new-version"),
    "assessments:risk_add": ("post", "api:assessment-risks"),
    "assessments:risk_edit": ("put", "api:assessment-risk"),
    "assessments:risk_delete": ("delete", "api:assessment-risk"),
    "assessments:intervention_action": ("post", "api:intervention-actions"),
    # ``intervention`` set on the communication: the intercession letter or the response.
    "assessments:intervention_communication_add": ("post", "api:communication-list"),
    # notifications: mark one read, or all of them
    "notifications:read": ("post", "api:notification-read-all"),
    # imports: upload and dry run, confirm, the job again
    "transfer:import_start": ("post", "api:import-list"),
    "transfer:import_confirm": ("post", "api:import-confirm"),
    "transfer:import_retry": ("post", "api:import-retry"),
    # sources: an HRO asks for an identity's erasure, a manager confirms it
    "registry:source_erasure": ("post", "api:source-erasure"),
    "registry:source_erasure_confirm": ("post", "api:source-erasure-confirm"),
    # one person, one record (issue 15): merge, undo, "not the same person"
    "registry:person_merge": ("post", "api:person-merge"),
    "registry:merge_undo": ("post", "api:person-merge-undo"),
    "registry:duplicate_dismiss": ("post", "api:person-duplicates-dismiss"),
    # participants of a support request (issue 15): add, edit, remove, import a list
    "screening:participants": ("post", "api:support-request-participants"),
    "screening:participant_edit": ("patch", "api:participant-detail"),
    "screening:participant_delete": ("delete", "api:participant-detail"),
    "transfer:participant_import": ("post", "api:import-list"),
    # screening (issue 15, part "screen"): the same services as the screening pages
    "screening:screen": ("post", "api:support-request-screening"),
    "screening:clear": ("post", "api:support-request-screening-clear"),
    "screening:participant_screen": ("post", "api:participant-candidates"),
    "screening:participant_outcome": ("post", "api:participant-outcome"),
    "screening:candidate_decide": ("post", "api:candidate-decision"),
    # community
    "community:perception_create": ("post", "api:perception-list"),
    "community:perception_update": ("put", "api:perception-detail"),
    "community:report": ("post", "api:abuse-report-list"),
    # attached files (issue 17): the page attaches to a record of any kind, the API under each
    # kind's resource (a list: one operation per kind of record)
    "documents:remove": ("post", "api:attachment-remove"),
    "documents:add": [
        ("post", "api:communication-attachments"),
        ("post", "api:decision-attachments"),
        ("post", "api:violation-attachments"),
        ("post", "api:intervention-attachments"),
        ("post", "api:participant-attachments"),
    ],
}

# The workflow's tables -> the API operation taking their actions, and the serializer whose
# ``action`` field must offer every one of them.
WORKFLOW_TABLES = {
    "TRANSITIONS": (workflow.TRANSITIONS, ("post", "api:support-request-transitions")),
    "INTERVENTION_ACTIONS": (workflow.INTERVENTION_ACTIONS, ("post", "api:intervention-actions")),
}

# Page routes that are no product action, each with why.
EXCLUDED = {
    "login": "signing in to the pages; the API's clients take a token at api:token",
    "logout": "signing out of the pages; the API revokes its token at api:logout",
    "password_change": "account security, on the pages only (changing it revokes API tokens)",
    "api_token_revoke": "the pages' management of the API's own tokens (api:logout, logoutall)",
    "two_factor_verify": "second factor at sign-in: a page session's, not a product action",
    "two_factor_setup": "second factor set up by the user, on the pages only",
    "two_factor_setup_link": "second factor set up from an administrator's link, pages only",
    "two_factor_recovery_codes": "second factor recovery codes, on the pages only",
    "two_factor_disable": "second factor turned off, on the pages only",
    "set_language": "the pages' language switch; the API answers in Accept-Language's",
    "password_reset": "a forgotten password, signed out, by email: account security, pages only",
    "password_reset_confirm": "the new password chosen from the emailed link, pages only",
}

# Where the API, the admin and Django's own routes live: not pages of the product.
NOT_PAGES = ("api/", "admin/", "static/", "media/")
PROJECT_PACKAGES = ("hrddp.", "assessments.")


def page_routes():
    """(URL name, route, view) of every named route of hrddp.urls outside the API and admin."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern), pattern.callback

    return [
        (name, route, view)
        for name, route, view in walk(get_resolver("hrddp.urls").url_patterns, "", None)
        if not route.startswith(NOT_PAGES)
    ]


def reads_post(node):
    """``request.POST``, ``request.method == "POST"``, ``require_http_methods(["POST"])``,
    ``@require_POST``; not a docstring or comment that mentions a POST."""
    return (
        (isinstance(node, ast.Attribute) and node.attr == "POST")
        or (isinstance(node, ast.Constant) and node.value == "POST")
        or (isinstance(node, ast.Name) and node.id == "require_POST")
    )


def handles_post(view, seen=None):
    """Whether a page's view answers a POST: a class-based view with a ``post`` handler, or a
    function whose source (decorators included: ``require_POST``, ``require_http_methods``) or
    that of a view helper it calls (``_posted``, ``_form_page``, ``risk_page``...) reads a POST.
    Errs towards yes: a GET-only page wrongly taken for a POST one is then listed explicitly."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return "post" in view_class.http_method_names and hasattr(view_class, "post")
    seen = seen if seen is not None else set()
    function = inspect.unwrap(view)
    if function in seen:
        return False
    seen.add(function)
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    if any(reads_post(node) for node in ast.walk(tree)):
        return True
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    for name in called:
        helper = function.__globals__.get(name)
        module = getattr(helper, "__module__", "") or ""
        if (
            inspect.isfunction(inspect.unwrap(helper) if callable(helper) else helper)
            and module.startswith(PROJECT_PACKAGES)
            and ".views" in module
            and handles_post(helper, seen)
        ):
            return True
    return False


@pytest.fixture(scope="module")
def api_operations():
    """The drf-spectacular schema, and per API URL name: (its view, {method: its operation})."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {}
    for path, methods in schema["paths"].items():
        example = path
        while "{" in example:  # /api/v1/assessments/{id}/risks/{risk_pk}/ -> .../1/risks/1/
            start, end = example.index("{"), example.index("}")
            example = example[:start] + "1" + example[end + 1 :]
        match = resolve(example)
        operations[match.view_name] = (
            match.func,
            {method: operation for method, operation in methods.items() if method != "parameters"},
        )
    return schema, operations


def accepts(url_name, method, api_operations):
    """The API route resolves, its view takes ``method``, and the schema documents it."""
    _schema, operations = api_operations
    if url_name not in operations:
        return False
    view, documented = operations[url_name]
    actions = getattr(view, "actions", None)  # a viewset's routes: {method: action}
    routed = method in actions if actions is not None else hasattr(view.view_class, method)
    return routed and method in documented


def known():
    return set(PAGE_ACTIONS) | set(EXCLUDED)


def test_the_detector_tells_post_pages_from_read_only_ones():
    views = {name: view for name, _route, view in page_routes()}
    for name in (
        "support:transition",  # require_POST
        "support:create",  # _posted(request)
        "registry:institution_create",  # a helper of a helper reads the POST
        "assessments:risk_add",
        "login",  # a class-based form view
    ):
        assert handles_post(views[name]), name
    for name in (
        "home",
        "support:list",
        "support:detail",
        "registry:triage",
        "password_change_done",
    ):
        assert not handles_post(views[name]), name


def test_every_page_post_route_has_an_api_operation_or_a_reason():
    missing = sorted(
        f"{name} ({route})"
        for name, route, view in page_routes()
        if handles_post(view) and name not in known()
    )
    assert not missing, (
        "Page routes answering POST with no API operation: map each in PAGE_ACTIONS to the API "
        f"operation doing the same, or exclude it with a reason: {missing}"
    )


def test_every_listed_page_route_exists_and_answers_post():
    views = {name: view for name, _route, view in page_routes()}
    stale = sorted(name for name in known() if name not in views or not handles_post(views[name]))
    assert not stale, f"listed but no page route answering POST: {stale}"


def test_listed_routes_are_listed_once():
    groups = [set(PAGE_ACTIONS), set(EXCLUDED)]
    for index, group in enumerate(groups):
        for other in groups[index + 1 :]:
            assert not group & other, group & other


@pytest.mark.parametrize("page_action", sorted(PAGE_ACTIONS))
def test_page_action_has_its_api_operation(page_action, api_operations):
    mapped = PAGE_ACTIONS[page_action]
    for method, url_name in mapped if isinstance(mapped, list) else [mapped]:
        assert accepts(url_name, method, api_operations), (
            f"{page_action}: the API has no {method.upper()} at {url_name}"
        )


def action_choices(operation, schema):
    """The values the operation's JSON body offers for ``action`` (its enum)."""
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    components = schema["components"]["schemas"]

    def follow(node):
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        if "allOf" in node:
            return follow(node["allOf"][0])
        return node

    return set(follow(follow(body)["properties"]["action"])["enum"])


@pytest.mark.parametrize("table", sorted(WORKFLOW_TABLES))
def test_every_workflow_action_has_its_api_operation(table, api_operations):
    actions, (method, url_name) = WORKFLOW_TABLES[table]
    assert accepts(url_name, method, api_operations)
    schema, operations = api_operations
    offered = action_choices(operations[url_name][1][method], schema)
    assert set(actions) <= offered, f"{table}: not offered by {url_name}: {set(actions) - offered}"
