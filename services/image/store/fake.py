"""An in-memory store for tests, with the same contract as the real ones."""

from services.image import exception
from services.image.store import base

SCHEME = 'fake://'


class FakeStore(base.Store):

    scheme = SCHEME

    def __init__(self):
        self.blobs = {}

    def location_for(self, image_id):
        return SCHEME + image_id

    def add(self, image_id, chunks):
        location = self.location_for(image_id)
        data = bytearray()
        for chunk in chunks:  # an exception here stores nothing, as required
            data.extend(chunk)
        self.blobs[location] = bytes(data)
        return location, len(data)

    def get(self, location, offset=0, length=None, chunk_size=65536):
        if location not in self.blobs:
            raise exception.ImageDataNotFound(image_id=location[len(SCHEME):])
        data = self.blobs[location]
        end = len(data) if length is None else min(len(data), offset + length)

        def chunks():
            for start in range(offset, end, chunk_size):
                yield data[start:min(end, start + chunk_size)]
        return chunks()

    def delete(self, location):
        self.blobs.pop(location, None)

    def exists(self, location):
        return location in self.blobs
