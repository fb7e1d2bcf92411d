"""How Flask-Login finds the signed-in user from the session cookie."""

from __future__ import annotations

import hmac

from nclw.accounts.models import User
from nclw.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Find the user; a cookie from before sign-out carries an old token and is refused."""
    identity, _, token = user_id.partition(":")
    if not identity.isdigit() or not token:
        return None
    user = db.session.get(User, int(identity))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user
