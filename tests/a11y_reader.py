"""A screen reader's view of a running application, through AT-SPI (run with the system python).

tests/test_a11y_atspi.py starts Dispatch on a private X server and accessibility bus, then runs
this script with the interpreter that has pyatspi (Debian's python3-pyatspi; the project's
virtual environment does not). It answers one JSON command a line on stdin with one JSON line
on stdout, while the GLib main loop delivers AT-SPI events as Orca receives them:

* ``{"cmd": "app", "name": N, "timeout": S}``: wait for the application to register;
* ``{"cmd": "tree"}``: the application's accessible tree (role, name, description, states,
  interfaces, text, attributes, key bindings of actions, children);
* ``{"cmd": "mark"}``: forget the events seen so far;
* ``{"cmd": "wait", "type": T, "contains": C, "role": R, "timeout": S}``: the first event seen
  since the mark whose type starts with T, whose text (name, any_data) contains C and whose
  source has role R (each optional), waiting up to S seconds; ``{"event": null}`` on timeout;
* ``{"cmd": "events"}``: every event seen since the mark;
* ``{"cmd": "lines", "role": R, "name": N}``: the text of the first object with that role and
  name, line by line as a screen reader reads it (the text interface's line boundaries);
* ``{"cmd": "press", "role": R, "name": N}``: do that object's first action (a link's "press").
"""

from __future__ import annotations

import json
import sys

import pyatspi
from gi.repository import GLib

EVENTS = (
    "focus:",
    "window:activate",
    "object:announcement",
    "object:state-changed",
    "object:property-change:accessible-name",
    "object:property-change:accessible-description",
    "object:active-descendant-changed",
    "object:text-changed",
)
MAX_TEXT = 5000

app_name = "Dispatch"
seen: list[dict] = []
waiter: dict | None = None


def reply(value: object) -> None:
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def safe(call, default=None):
    try:
        return call()
    except Exception:  # an object gone while read: a screen reader skips it too
        return default


def describe_event(event) -> dict | None:
    source = event.source
    app = safe(lambda: source.getApplication().name, "")
    if app != app_name:
        return None
    data = event.any_data
    if not isinstance(data, str | int | float | bool) and data is not None:
        data = safe(lambda: data.name, "")
    return {
        "type": event.type,
        "role": safe(source.getRoleName, ""),
        "name": safe(lambda: source.name, ""),
        "description": safe(lambda: source.description, ""),
        "detail1": event.detail1,
        "data": data,
    }


def matches(event: dict, want: dict) -> bool:
    if not event["type"].startswith(want.get("type", "")):
        return False
    if want.get("role") and event["role"] != want["role"]:
        return False
    text = f"{event['name']}\n{event['data'] if isinstance(event['data'], str) else ''}"
    return want.get("contains", "") in text


def on_event(event) -> None:
    global waiter
    described = describe_event(event)
    if described is None:
        return
    seen.append(described)
    if waiter is not None and matches(described, waiter["want"]):
        GLib.source_remove(waiter["timer"])
        waiter = None
        reply({"event": described})


def node(acc, depth: int = 0) -> dict:
    out: dict = {
        "role": safe(acc.getRoleName, ""),
        "name": safe(lambda: acc.name, ""),
        "description": safe(lambda: acc.description, ""),
        "states": safe(
            lambda: sorted(pyatspi.stateToString(s) for s in acc.getState().getStates()), []
        ),
        "interfaces": safe(acc.get_interfaces, []),
        "attributes": safe(lambda: dict(a.split(":", 1) for a in acc.getAttributes()), {}),
    }
    if "Text" in out["interfaces"]:
        text = safe(acc.queryText)
        if text is not None:
            out["text"] = safe(lambda: text.getText(0, min(text.characterCount, MAX_TEXT)), "")
    if "Action" in out["interfaces"]:
        action = safe(acc.queryAction)
        if action is not None and safe(lambda: action.nActions, 0):
            out["keys"] = safe(lambda: action.getKeyBinding(0), "")
    children = []
    if depth < 40:
        for i in range(safe(lambda: acc.childCount, 0)):
            child = safe(lambda i=i: acc.getChildAtIndex(i))
            if child is not None:
                children.append(node(child, depth + 1))
    out["children"] = children
    return out


def first(acc, role: str, name: str):
    if safe(acc.getRoleName) == role and safe(lambda: acc.name) == name:
        return acc
    for i in range(safe(lambda: acc.childCount, 0)):
        child = safe(lambda i=i: acc.getChildAtIndex(i))
        found = first(child, role, name) if child is not None else None
        if found is not None:
            return found
    return None


def lines(acc, limit: int = 1000) -> list[str]:
    text = acc.queryText()
    out: list[str] = []
    offset = 0
    while offset < text.characterCount and len(out) < limit:
        line, _start, end = text.getTextAtOffset(offset, pyatspi.TEXT_BOUNDARY_LINE_START)
        out.append(line.rstrip("\n\u2029"))
        offset = max(end, offset + 1)
    return out


def find_app():
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = safe(lambda i=i: desktop.getChildAtIndex(i))
        if app is not None and safe(lambda app=app: app.name) == app_name:
            return app
    return None


def wait_app(timeout: float) -> None:
    """Poll the desktop (out of process: no event says an app registered) up to a deadline."""
    deadline = GLib.get_monotonic_time() + int(timeout * 1e6)

    def poll() -> bool:
        app = find_app()
        ready = app is not None and safe(lambda: app.childCount, 0) > 0
        if ready or GLib.get_monotonic_time() > deadline:
            reply({"found": ready})
            return False
        return True

    GLib.timeout_add(100, poll)


def on_timeout() -> bool:
    global waiter
    waiter = None
    reply({"event": None, "seen": seen[-40:]})
    return False


def handle(command: dict) -> None:
    global waiter, app_name
    cmd = command["cmd"]
    if cmd == "app":
        app_name = command.get("name", app_name)
        wait_app(command.get("timeout", 20))
    elif cmd == "tree":
        app = find_app()
        reply({"tree": node(app) if app is not None else None})
    elif cmd == "mark":
        seen.clear()
        reply({"ok": True})
    elif cmd == "events":
        reply({"events": seen})
    elif cmd == "wait":
        want = {k: command[k] for k in ("type", "contains", "role") if k in command}
        for event in seen:
            if matches(event, want):
                reply({"event": event})
                return
        timer = GLib.timeout_add(int(command.get("timeout", 10) * 1000), on_timeout)
        waiter = {"want": want, "timer": timer}
    elif cmd == "lines":
        app = find_app()
        found = first(app, command["role"], command["name"]) if app is not None else None
        reply({"lines": safe(lambda: lines(found)) if found is not None else None})
    elif cmd == "press":
        app = find_app()
        found = first(app, command["role"], command["name"]) if app is not None else None
        done = safe(lambda: found.queryAction().doAction(0), False) if found is not None else None
        reply({"done": done})
    elif cmd == "quit":
        reply({"ok": True})
        pyatspi.Registry.stop()
    else:
        reply({"error": f"unknown command {cmd!r}"})


def on_stdin(channel, _condition) -> bool:
    line = channel.readline()
    if not line:
        pyatspi.Registry.stop()
        return False
    handle(json.loads(line))
    return True


def main() -> None:
    pyatspi.Registry.registerEventListener(on_event, *EVENTS)
    channel = GLib.IOChannel.unix_new(sys.stdin.fileno())
    GLib.io_add_watch(channel, GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN, on_stdin)
    reply({"ready": True})
    pyatspi.Registry.start()


if __name__ == "__main__":
    main()
