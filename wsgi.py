"""The WSGI entry point: `gunicorn wsgi:app`."""

from nclw import create_app

app = create_app()
