"""The questions blueprint: the public pages (asking, voting, withdrawing) and the moderators'
(queue, moves, editing, settings, presenter view, export), each in its own module."""

from flask import Blueprint

from nclw.questions.views import moderation, public

bp = Blueprint("questions", __name__)
public.register(bp)
moderation.register(bp)
