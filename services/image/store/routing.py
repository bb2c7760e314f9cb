"""New data to one store, existing data read and deleted where it lies.

When the driver changes (filesystem to objectstore), images uploaded before
keep their old locations; :class:`SchemeRouter` sends each location to the
store whose scheme it carries, and every new upload to the configured one.
"""

from services.image import exception
from services.image.store import base


class SchemeRouter(base.Store):

    def __init__(self, primary, *others):
        self.primary = primary
        self.stores = (primary,) + others

    def _store_of(self, location):
        for store in self.stores:
            if location.startswith(store.scheme):
                return store
        raise exception.StoreError(reason='no store for location %s' % location)

    def add(self, image_id, chunks):
        return self.primary.add(image_id, chunks)

    def location_for(self, image_id):
        return self.primary.location_for(image_id)

    def get(self, location, offset=0, length=None, chunk_size=65536):
        return self._store_of(location).get(location, offset, length, chunk_size)

    def delete(self, location):
        self._store_of(location).delete(location)

    def exists(self, location):
        return self._store_of(location).exists(location)
