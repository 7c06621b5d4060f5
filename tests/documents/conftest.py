"""The web fixtures (a runtime with a login and an API token, the app, a live server) for the
document tests, from tests/web."""

from tests.web.conftest import client, password_hash, web_rt

__all__ = ["client", "password_hash", "web_rt"]
