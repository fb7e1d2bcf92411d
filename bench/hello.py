"""The bare Flask "hello" the benchmarks compare our pages with."""

from __future__ import annotations

from flask import Flask

hello = Flask("hello")


@hello.get("/")
def say_hello():
    """The smallest useful Flask response."""
    return "Hello"
