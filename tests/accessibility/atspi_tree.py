"""Walking an application's accessible tree over AT-SPI (pyatspi), for the accessibility tests.

Import it from a check script run by run-atspi.sh: find_application() waits for the app to
register, walk() yields its nodes, unnamed_controls() lists interactive controls a screen reader
could not name, menu_items() reads the menu bar. Add checks for new views in their own scripts.
"""

import sys
import time

import pyatspi

# Roles a user operates, which a screen reader must be able to name.
INTERACTIVE_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_TEXT,
    pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_LIST,
    pyatspi.ROLE_LIST_BOX,
    pyatspi.ROLE_TABLE,
    pyatspi.ROLE_TREE,
    pyatspi.ROLE_TREE_TABLE,
    pyatspi.ROLE_PAGE_TAB,
    pyatspi.ROLE_MENU_ITEM,
    pyatspi.ROLE_CHECK_MENU_ITEM,
    pyatspi.ROLE_RADIO_MENU_ITEM,
}


def log(message):
    print(message, flush=True)


def find_application(name, timeout=30.0):
    """The application registered under name (case-insensitive), waiting for it to appear."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and (app.name or "").lower() == name.lower():
                return app
        time.sleep(0.2)
    return None


def children(node):
    try:
        count = node.childCount
    except Exception:  # the object went away
        return []
    result = []
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            child = None
        if child is not None:
            result.append(child)
    return result


def walk(node, max_depth=40, path=()):
    """Yields (node, path) for node and everything below it, depth first."""
    here = path + (describe(node),)
    yield node, here
    if len(here) >= max_depth:
        return
    for child in children(node):
        yield from walk(child, max_depth, here)


def role(node):
    try:
        return node.getRole()
    except Exception:
        return None


def role_name(node):
    try:
        return node.getRoleName()
    except Exception:
        return "?"


def showing(node):
    try:
        return node.getState().contains(pyatspi.STATE_SHOWING)
    except Exception:
        return False


def describe(node):
    return "%s '%s'" % (role_name(node), (node.name or "") if node is not None else "")


def unnamed_controls(root):
    """Showing interactive nodes without a name, as (node, path)."""
    found = []
    for node, path in walk(root):
        if role(node) in INTERACTIVE_ROLES and showing(node) and not (node.name or "").strip():
            found.append((node, path))
    return found


def find_all(root, wanted_role, name=None):
    return [
        node
        for node, _ in walk(root)
        if role(node) == wanted_role and (name is None or (node.name or "") == name)
    ]


def wait_for(predicate, timeout=20.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def menu_items(app):
    """{menu title: [item names]} of the menu bar, '&' markers removed, separators left out."""
    menus = {}
    for bar in find_all(app, pyatspi.ROLE_MENU_BAR):
        for entry in children(bar):
            title = (entry.name or "").replace("&", "")
            items = []
            for node, _ in walk(entry):
                if node is entry or role(node) not in (
                    pyatspi.ROLE_MENU_ITEM,
                    pyatspi.ROLE_CHECK_MENU_ITEM,
                    pyatspi.ROLE_RADIO_MENU_ITEM,
                    pyatspi.ROLE_MENU,
                ):
                    continue
                label = (node.name or "").replace("&", "")
                if label and label != title:
                    items.append(label)
            menus[title] = items
    return menus


def press(node):
    """Runs the node's first action (a tab's or button's press)."""
    action = node.queryAction()
    if action.nActions < 1:
        return False
    return action.doAction(0)


class Report:
    """Collects failures; exit() prints them and ends the script with the right status."""

    def __init__(self):
        self.failures = []

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
        return condition

    def exit(self):
        if self.failures:
            for failure in self.failures:
                log("FAIL: " + failure)
            sys.exit(1)
        log("PASS")
        sys.exit(0)
