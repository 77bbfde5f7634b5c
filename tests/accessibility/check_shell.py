"""The main window's shell over AT-SPI: every interactive control of the chat, dashboard and
endpoints pages and of Preferences has a name, and the menu bar holds its menus with their items. Run by
run-atspi.sh."""

import sys

import atspi_tree as tree

EXPECTED_MENUS = {
    "File": ["New Conversation", "Export…", "Quit"],
    "Edit": ["Copy", "Copy Last Answer", "Find in Conversations…", "Stop Answer",
             "Regenerate Answer", "Preferences…"],
    "View": ["Chat", "Dashboard", "Endpoints", "Zoom In", "Zoom Out", "Actual Size", "Theme"],
    "Endpoint": ["Profiles…", "Refresh Models", "Test Connection"],
    "Experiment": [],
    "Help": ["Keyboard Shortcuts", "Open Data Folder", "About AdminChat"],
}


def check_named(report, app, page):
    for node, path in tree.unnamed_controls(app):
        report.check(False, "%s page: unnamed %s at %s" % (page, tree.describe(node),
                                                          " > ".join(path[-4:])))


def main():
    report = tree.Report()
    app = tree.find_application("adminchat")
    if app is None:
        tree.log("FAIL: the application never appeared on the AT-SPI bus")
        sys.exit(1)
    # The window is up once the message box is in the tree.
    composer = tree.wait_for(lambda: tree.find_all(app, tree.pyatspi.ROLE_TEXT, "Message"))
    report.check(composer, "no text field named 'Message' (the composer)")
    report.check(tree.find_all(app, tree.pyatspi.ROLE_TEXT, "Search conversations")
                 or tree.find_all(app, tree.pyatspi.ROLE_ENTRY, "Search conversations"),
                 "no field named 'Search conversations'")
    check_named(report, app, "Chat")

    menus = tree.menu_items(app)
    for title, items in EXPECTED_MENUS.items():
        if not report.check(title in menus, "menu %s missing (menus: %s)" % (title, list(menus))):
            continue
        for item in items:
            report.check(item in menus[title], "%s > %s missing (has %s)" % (title, item,
                                                                           menus[title]))
    report.check(menus.get("Experiment"), "the Experiment menu is empty")

    tabs = tree.find_all(app, tree.pyatspi.ROLE_PAGE_TAB, "Dashboard")
    if report.check(tabs, "no Dashboard tab"):
        tree.press(tabs[0])
        shown = tree.wait_for(lambda: any(tree.showing(n) for n in
                                          tree.find_all(app, tree.pyatspi.ROLE_COMBO_BOX)
                                          if "window" in (n.name or "").lower()
                                          or "Last" in (n.name or "")), timeout=10)
        report.check(shown, "the dashboard's window picker never showed")
        check_named(report, app, "Dashboard")

    # The Endpoints tab: nothing is watched in a fresh home, so its empty state says how to start.
    tabs = tree.find_all(app, tree.pyatspi.ROLE_PAGE_TAB, "Endpoints")
    if report.check(tabs, "no Endpoints tab"):
        tree.press(tabs[0])
        shown = tree.wait_for(lambda: any(tree.showing(n) for n in
                                          tree.find_all(app, tree.pyatspi.ROLE_PUSH_BUTTON)
                                          if (n.name or "").replace("&", "")
                                          == "Open Watch Settings…"), timeout=10)
        report.check(shown, "the Endpoints tab's Open Watch Settings… button never showed")
        check_named(report, app, "Endpoints")

    # Preferences, opened from its menu item as a user of a screen reader would.
    items = [n for n in tree.find_all(app, tree.pyatspi.ROLE_MENU_ITEM)
             if (n.name or "").replace("&", "") == "Preferences…"]
    if report.check(items, "no Preferences… menu item"):
        tree.press(items[0])
        dialogs = tree.wait_for(lambda: [d for d in tree.find_all(app, tree.pyatspi.ROLE_DIALOG)
                                         if d.name == "Preferences" and tree.showing(d)],
                                timeout=10)
        if report.check(dialogs, "the Preferences dialog did not open"):
            for node, path in tree.unnamed_controls(dialogs[0]):
                report.check(False, "Preferences: unnamed %s at %s"
                             % (tree.describe(node), " > ".join(path[-4:])))
            spins = [n.name for n in tree.find_all(dialogs[0], tree.pyatspi.ROLE_SPIN_BUTTON)]
            for name in ("Excellent below", "Good below", "Acceptable below", "Metrics port"):
                report.check(name in spins, "Preferences: no spin box %r (has %s)" % (name, spins))
    report.exit()


if __name__ == "__main__":
    main()
