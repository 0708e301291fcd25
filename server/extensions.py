"""Extension objects, created unbound and initialised in create_app."""

from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


def _client_key() -> str:
    # Imported late: server.http.limits decorates views with this module's limiter.
    from server.http.limits import client_key

    return client_key()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
# Limits are declared in server.http.limits (consents, admin login) and read from RATELIMIT_*.
limiter = Limiter(key_func=_client_key)
