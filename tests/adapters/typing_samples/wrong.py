"""User code with the mistakes ``mypy --strict`` must catch; each line says what mypy reports.

Read by tests/adapters/test_typing.py (never imported by pytest): an ``# error:`` comment is the
message mypy must give for its line, and mypy must report nothing else.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from wsgi_cors import CORSMiddleware
from wsgi_cors.flask import CORS, cross_origin

app = Flask(__name__)
# fmt: off
CORS(app, origin="https://a.example")  # error: Unexpected keyword argument "origin" for "CORS"; did you mean "origins"?
CORS(app, supports_credentials="yes")  # error: Argument "supports_credentials" to "CORS" has incompatible type "str"; expected "bool"
CORS().init_app(app, methods=5)  # error: Argument "methods" to "init_app" of "CORS" has incompatible type "int"; expected "str | Iterable[str] | None"
CORSMiddleware(app.wsgi_app, send_wildcard="true")  # error: Argument "send_wildcard" to "CORSMiddleware" has incompatible type "str"; expected "bool"
CORSMiddleware(app.wsgi_app, resources={"/api/*": {"debug": True}})  # error: Extra key "debug" for TypedDict "ResourceOptions"
CORSMiddleware(app.wsgi_app, resources={"/api/*": {"origin": "https://a.example"}})  # error: Extra key "origin" for TypedDict "ResourceOptions"
CORS(app, resources={"/api/*": {"max_age": timedelta}})  # error: Incompatible types (expression has type "type[timedelta]", TypedDict item "max_age" has type "int | str | timedelta | None")
CORS(app, resources=5)  # error: Argument "resources" to "CORS" has incompatible type "int"; expected "str | Pattern[str] | Sequence[str | Pattern[str]] | AbstractSet[str | Pattern[str]] | Mapping[str | Pattern[str], ResourceOptions]"
# fmt: on


@app.route("/items")
@cross_origin(resources="/items")  # error: Unexpected keyword argument "resources" for "cross_origin"
def items() -> str:
    return "items"
