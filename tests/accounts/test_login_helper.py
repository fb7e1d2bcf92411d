from flask_login import current_user

from nclw.accounts.models import Role
from nclw.extensions import db
from tests.conftest import login
from tests.factories import make_user


def test_login_helper_signs_in_and_a_rotated_token_signs_out(own_app):
    @own_app.get("/_whoami")
    def whoami():
        return str(current_user.id) if current_user.is_authenticated else "anonymous"

    client = own_app.test_client()
    user = make_user(Role.ORGANISER)
    assert client.get("/_whoami").text == "anonymous"
    login(client, user)
    assert client.get("/_whoami").text == str(user.id)
    user.session_token = "rotated"
    db.session.commit()
    assert client.get("/_whoami").text == "anonymous"
