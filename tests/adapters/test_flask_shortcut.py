"""The Flask adapter's shortcut (no selection while one application-wide policy covers every
path and no view needs routing) answers exactly as the adapter without it, through later
``init_app`` calls and ``CORS(blueprint)`` on a blueprint already served."""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Flask
from hypothesis import event, given
from hypothesis import strategies as st
from werkzeug.test import Client

from wsgi_cors.flask import CORS, FlaskCORSMiddleware

ORIGINS = ("https://a.example", "https://b.example", "https://c.example")
PATHS = ("/", "/api/x", "/bp/y", "/bp/api/z", "/missing")
RESOURCES: tuple[Any, ...] = (r"/*", r"/api/*", [r"/bp/*", r"/*"], [])


def build(shortcut: bool) -> tuple[Flask, Blueprint]:
    app = Flask(f"shortcut-{shortcut}")
    blueprint = Blueprint("bp", __name__, url_prefix="/bp")

    @app.route("/")
    def index() -> str:
        return "index"

    @app.route("/api/<path:rest>", methods=["GET", "PUT"])
    def api(rest: str) -> str:
        return "api"

    @blueprint.route("/<path:rest>", methods=["GET", "PUT"])
    def inner(rest: str) -> str:
        return "inner"

    app.register_blueprint(blueprint)
    CORS(app, origins=ORIGINS[0])
    middleware = app.wsgi_app
    assert isinstance(middleware, FlaskCORSMiddleware)
    if not shortcut:
        middleware._shortcut = lambda routing: None  # type: ignore[method-assign]
    return app, blueprint


requests = st.tuples(st.just("request"), st.sampled_from(PATHS), st.sampled_from(ORIGINS), st.booleans())
changes = st.one_of(
    st.tuples(st.just("init_app"), st.sampled_from(ORIGINS), st.sampled_from(RESOURCES)),
    st.tuples(st.just("blueprint"), st.sampled_from(ORIGINS)),
)


def answer(client: Client, path: str, origin: str, preflight: bool) -> tuple[int, str | None, str | None]:
    headers = {"Origin": origin}
    if preflight:
        headers["Access-Control-Request-Method"] = "PUT"
    response = client.open(path, method="OPTIONS" if preflight else "GET", headers=headers)
    return (
        response.status_code,
        response.headers.get("Access-Control-Allow-Origin"),
        response.headers.get("Vary"),
    )


@given(
    st.lists(requests, min_size=2, max_size=4),  # the shortcut is taken from the second request on
    st.lists(st.one_of(requests, requests, changes), max_size=12),
)
def test_the_shortcut_answers_as_the_selection(
    first: list[tuple[Any, ...]], then: list[tuple[Any, ...]]
) -> None:
    steps = first + then
    fast, fast_blueprint = build(shortcut=True)
    plain, plain_blueprint = build(shortcut=False)
    clients = Client(fast), Client(plain)
    for step in steps:
        if step[0] == "request":
            middleware = fast.wsgi_app
            assert isinstance(middleware, FlaskCORSMiddleware)
            event(f"shortcut {'on' if middleware._everywhere is not None else 'off'}")
            assert answer(clients[0], *step[1:]) == answer(clients[1], *step[1:]), step
        elif step[0] == "init_app":
            for app in (fast, plain):
                CORS(app, origins=step[1], resources=step[2])
        else:
            for app, blueprint in ((fast, fast_blueprint), (plain, plain_blueprint)):
                with app.app_context():
                    CORS(blueprint, origins=step[1])


def test_the_shortcut_is_taken_after_the_first_request_and_left_on_a_new_policy() -> None:
    app, blueprint = build(shortcut=True)
    middleware = app.wsgi_app
    assert isinstance(middleware, FlaskCORSMiddleware)
    client = Client(app)
    assert middleware._everywhere is None
    for _ in range(2):
        client.get("/", headers={"Origin": ORIGINS[0]})
    assert middleware._everywhere is middleware.policies[0].everywhere
    with app.app_context():
        CORS(blueprint, origins=ORIGINS[1])
    assert middleware._everywhere is None
    assert answer(client, "/bp/y", ORIGINS[1], False)[1] == ORIGINS[1]


def test_a_policy_added_while_requests_run_is_applied_to_the_requests_after_it() -> None:
    app, _ = build(shortcut=True)
    client = Client(app)
    stop = threading.Event()

    def serve() -> None:
        own = Client(app)
        while not stop.is_set():
            own.get("/", headers={"Origin": ORIGINS[0]})

    threads = [threading.Thread(target=serve) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for origin in ORIGINS[1:] * 5:
            CORS(app, origins=origin)
            assert answer(client, "/", origin, False)[1] == origin
            assert answer(client, "/", ORIGINS[0], False)[1] is None
    finally:
        stop.set()
        for thread in threads:
            thread.join()
