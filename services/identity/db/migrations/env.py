"""Alembic environment of the identity schema (driven by common.db.sync)."""

from alembic import context

from common import db
from services.identity.db import models

db.run_migrations(context, models.Base.metadata)
