"""Resource tags (``standard-attr-tag``): set, add and remove tags of a
taggable resource the caller can see."""

from services.network import exception
from services.network.conductor import resources
from services.network.db import models

#: Resources that carry tags (neutron's standard-attribute resources we serve).
TAGGABLE = ('network', 'subnet', 'subnetpool', 'port', 'router', 'floatingip',
            'security_group', 'policy', 'trunk')
MAX_LENGTH = 255


def validate(tags):
    """``tags`` as a sorted list without repeats, or 400."""
    if not isinstance(tags, (list, tuple)):
        raise exception.InvalidInput(error_message='tags must be a list')
    for tag in tags:
        if not isinstance(tag, str) or not tag or len(tag) > MAX_LENGTH or ',' in tag:
            raise exception.InvalidInput(
                error_message="Invalid tag '%s': a tag is 1 to %d characters, no comma"
                % (tag, MAX_LENGTH))
    return sorted(set(tags))


def current(session, resource_id):
    return [row.tag for row in session.query(models.Tag).filter_by(
        resource_id=resource_id).order_by(models.Tag.tag)]


def update(context, session, resource, resource_id, replace=None, add=(), remove=()):
    """Replace the tags (``replace`` is a list) or add and remove some;
    removing a tag the resource does not have is 404. Returns the tags."""
    if resource not in TAGGABLE:
        raise exception.ResourceNotFound()
    row = resources.RESOURCES[resource].rows.get_row(context, session, resource_id)
    tags = set(current(session, row.id))
    before = set(tags)
    for tag in remove:
        if tag not in tags:
            raise exception.TagNotFound(tag=tag, resource=resource, resource_id=row.id)
        tags.discard(tag)
    if replace is not None:
        tags = set(validate(replace))
    tags.update(validate(list(add)))
    if tags != before:
        query = session.query(models.Tag).filter(models.Tag.resource_id == row.id)
        gone = before - tags
        if gone:
            query.filter(models.Tag.tag.in_(gone)).delete(synchronize_session=False)
        for tag in sorted(tags - before):
            session.add(models.Tag(resource_id=row.id, tag=tag, resource_type=resource))
        row.revision_number = (row.revision_number or 0) + 1
        session.flush()
    return sorted(tags)


def purge(session, resource_ids):
    """Drop the tags of deleted resources."""
    ids = [i for i in resource_ids if i]
    if ids:
        session.query(models.Tag).filter(models.Tag.resource_id.in_(ids)).delete(
            synchronize_session=False)
