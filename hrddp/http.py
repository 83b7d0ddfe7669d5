"""Where a request is going, for the layers that answer it differently (the session middleware of
accounts, the API's error handlers): one definition below both."""


def is_api_request(request):
    """A request to the JSON API (``path_info``: the path below any prefix the site is served at)."""
    return request.path_info.startswith("/api/")
