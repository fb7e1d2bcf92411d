"""The bare Flask "hello" the benchmarks compare our pages with."""

from __future__ import annotations

from flask import Flask

hello = Flask("hello")

# Where bench/wsgi.py mounts a form POST of our app that does nothing (importing that module
# builds the app, so its address is kept here).
FLOOR_PATH = "/__floor/"


@hello.get("/")
def say_hello():
    """The smallest useful Flask response."""
    return "Hello"
