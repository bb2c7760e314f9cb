from alembic import context

from common import db
from services.volume.db import models

db.run_migrations(context, models.Base.metadata)
