from flask_login import current_user

from nclw.accounts.models import Role
from tests.conftest import login
from tests.factories import make_user


def test_login_helper_signs_in_and_old_token_is_refused(app, client):
    user = make_user(Role.ORGANISER)
    login(client, user)
    with client:
        client.get("/")
        assert current_user.is_authenticated and current_user.id == user.id
    user.session_token = "rotated"
    from nclw.extensions import db

    db.session.commit()
    with client:
        client.get("/")
        assert not current_user.is_authenticated
