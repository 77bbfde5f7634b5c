#!/usr/bin/python3
"""The text of an answer that was just streamed is reachable through AT-SPI.

Run by chatview_answer.sh inside a D-Bus session with the AT-SPI bus, next to a running
AdminChat (demo endpoint, instant profile): types a question into the composer and presses Send
through AT-SPI alone, then reads the answer back from the chat view's accessible items.
"""
import sys
import time

import pyatspi


def walk(node, depth=0):
    if node is None or depth > 40:
        return
    yield node
    for i in range(node.childCount):
        try:
            child = node.getChildAtIndex(i)
        except Exception:  # a child that went away while walking
            continue
        yield from walk(child, depth + 1)


def wait_for(what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.2)
    return None


def application():
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.name.lower() == "adminchat":
            return app
    return None


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def main():
    app = wait_for(application)
    if not app:
        fail("AdminChat is not on the accessibility bus")

    def conversation():
        for node in walk(app):
            if node.getRole() == pyatspi.ROLE_LIST and node.name == "Conversation":
                return node
        return None

    def composer():
        for node in walk(app):
            # The composer: editable and multi-line (the model box is one line).
            state = node.getState()
            if (node.getRole() == pyatspi.ROLE_TEXT and
                    state.contains(pyatspi.STATE_EDITABLE) and
                    state.contains(pyatspi.STATE_MULTI_LINE)):
                return node
        return None

    def send_button():
        for node in walk(app):
            if node.getRole() == pyatspi.ROLE_PUSH_BUTTON and node.name == "Send":
                return node
        return None

    view = wait_for(conversation)
    if not view:
        fail("no accessible chat view named Conversation")
    # The endpoint answers once its model list is in: the Send button is enabled then.
    send = wait_for(lambda: (b := send_button()) and
                    b.getState().contains(pyatspi.STATE_ENABLED) and b)
    edit = composer()
    if not send or not edit:
        fail("no composer or Send button")
    time.sleep(1.0)  # the model list arrives after the window
    edit.queryEditableText().setTextContents("Show me a table and some code")
    send.queryAction().doAction(0)

    def answered():
        if view.childCount < 2:
            return None
        item = view.getChildAtIndex(1)
        return item if "Answer finished" in item.name else None

    item = wait_for(answered)
    if not item:
        names = [view.getChildAtIndex(i).name for i in range(view.childCount)]
        fail("no finished answer announced; items: %r" % names)
    question = view.getChildAtIndex(0)
    if not question.name.startswith("You"):
        fail("the first item is not the question: %r" % question.name)
    if not item.name.startswith("Assistant"):
        fail("the answer's name does not say who wrote it: %r" % item.name)
    text = item.queryText().getText(0, -1)
    if len(text.split()) < 20:
        fail("the answer's text is missing: %r" % text)
    if "```" in text or "**" in text:
        fail("the answer is read with raw Markdown: %r" % text[:200])
    if text != item.description and text not in item.description:
        fail("text and description differ")
    actions = item.queryAction()
    names = [actions.getName(i) for i in range(actions.nActions)]
    for wanted in ("Copy", "Regenerate", "Good answer", "Bad answer"):
        if wanted not in names:
            fail("action %s missing: %r" % (wanted, names))
    print("PASS: %d words of the answer through AT-SPI; actions %s" %
          (len(text.split()), ", ".join(names)))


if __name__ == "__main__":
    main()
