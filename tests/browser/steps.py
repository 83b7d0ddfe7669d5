"""Steps the browser tests share."""


def act(page, label, reason=None):
    """Press the form button ``label`` (an action of the request page), giving ``reason`` first
    when the action asks for one; a destructive action is then confirmed on its own page."""
    form = page.locator("form", has=page.get_by_role("button", name=label, exact=True))
    if reason:
        form.get_by_label("Reason", exact=True).fill(reason)
    form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()
    confirm = page.get_by_role("button", name=f"Yes: {label}", exact=True)
    if confirm.count():
        confirm.click()
        page.wait_for_load_state()
