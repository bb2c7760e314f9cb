"""The one interface every image data store implements."""

import abc


class Store(abc.ABC):
    """Holds image data addressed by an opaque location URL.

    ``add`` consumes an iterator of byte chunks; if the iterator raises (a
    dropped connection, a size cap) or the write fails, the store removes
    whatever it wrote before re-raising, so a failed upload leaves nothing.
    """

    #: how the locations of this store begin
    scheme = None

    @abc.abstractmethod
    def add(self, image_id, chunks):
        """Write all ``chunks``; return ``(location, bytes_written)``."""

    @abc.abstractmethod
    def location_for(self, image_id):
        """The location ``add`` uses for ``image_id`` (staging looks data up by it)."""

    @abc.abstractmethod
    def get(self, location, offset=0, length=None, chunk_size=65536):
        """Yield the data at ``location`` from ``offset`` for ``length`` bytes."""

    @abc.abstractmethod
    def delete(self, location):
        """Remove the data; a missing location is not an error."""

    @abc.abstractmethod
    def exists(self, location):
        """Whether data is stored at ``location``."""
