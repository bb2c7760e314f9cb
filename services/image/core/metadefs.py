"""Metadata definitions: namespaces, their objects, properties, tags and
resource type associations, and the resource types.

A namespace is visible to admins, to everyone when public, and to its
owner's project; otherwise it is a 404 as if it did not exist
(:meth:`MetadefManager.visible_namespace`, called before any policy).
"""

from common import exception as common_exc
from services.image import exception
from services.image.core import is_admin
from services.image.db import metadefs as db

#: what ``sort_key`` may name when listing namespaces
SORT_KEYS = db.SORT_KEYS
NAMESPACE_FIELDS = ('namespace', 'display_name', 'description', 'visibility', 'protected',
                    'owner')


def object_definition(body):
    return {'description': body.get('description'), 'required': body.get('required', []),
            'properties': body.get('properties', {})}


def property_definition(body):
    return {k: v for k, v in body.items() if k != 'name'}


def _definition(kind, body):
    return object_definition(body) if kind == 'object' else property_definition(body)


def _children_of(body):
    """Inline ``properties``/``objects``/``tags`` of a namespace body as triples."""
    triples = [('property', name, definition)
               for name, definition in body.get('properties', {}).items()]
    triples += [('object', o['name'], object_definition(o)) for o in body.get('objects', [])]
    triples += [('tag', t['name'], {}) for t in body.get('tags', [])]
    names = [(kind, name) for kind, name, _ in triples]
    if len(set(names)) != len(names):
        raise common_exc.BadRequest(reason='duplicate definitions in the namespace body')
    return triples


class MetadefManager:

    # -- namespaces -----------------------------------------------------------------------

    def visible_namespace(self, ctx, name):
        ns = db.namespace_get(name)
        if not (is_admin(ctx) or ns['visibility'] == 'public'
                or (ctx.project_id and ns['owner'] == ctx.project_id)):
            raise exception.NamespaceNotFound(namespace=name)
        return ns

    def namespace_parts(self, ns, resource_type=None):
        """``(associations, children, prefix)`` of a namespace as it is shown;
        ``prefix`` is the one ``resource_type``'s association gives its
        property names."""
        assocs = db.associations([ns['id']])[ns['id']]
        prefix = None
        if resource_type:
            prefix = next((a['prefix'] for a in assocs if a['name'] == resource_type), None)
        return assocs, db.children_of(ns['id']), prefix

    def list_namespaces(self, ctx, limit, visibility=None, resource_types=None,
                        sort_key='created_at', sort_dir='desc', marker=None):
        """``(namespaces, {id: associations}, next_marker)``."""
        rows = db.namespace_list(ctx.project_id, is_admin(ctx), visibility=visibility,
                                 resource_types=resource_types, sort_key=sort_key,
                                 sort_dir=sort_dir, limit=limit + 1, marker=marker)
        next_marker = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_marker = rows[-1]['namespace'] if rows else None
        return rows, db.associations([r['id'] for r in rows]), next_marker

    def create_namespace(self, ctx, body, associations):
        """A namespace from a validated ``body`` with its inline definitions and
        resource type ``associations``."""
        values = {k: body[k] for k in NAMESPACE_FIELDS if k in body}
        values.setdefault('visibility', 'private')
        values.setdefault('protected', False)
        values.setdefault('owner', ctx.project_id)
        return db.namespace_create(values, associations, _children_of(body))

    def update_namespace(self, name, body):
        values = {k: body[k] for k in NAMESPACE_FIELDS if k in body}
        return db.namespace_update(name, values)

    def delete_namespace(self, name, ns):
        """Delete namespace ``name`` (``ns``, as :meth:`visible_namespace` gave it)."""
        if ns['protected']:
            raise exception.NamespaceProtected(namespace=name)
        db.namespace_delete(name)

    # -- objects, properties and tags ----------------------------------------------------

    def list_children(self, ns_name, kind):
        return db.child_list(ns_name, kind)

    def get_child(self, ns_name, kind, name):
        return db.child_get(ns_name, kind, name)

    def create_child(self, ns_name, kind, body):
        """One object or property from its validated ``body``."""
        return db.child_create(ns_name, kind, [(body['name'], _definition(kind, body))])[0]

    def update_child(self, ns_name, kind, name, body):
        return db.child_update(ns_name, kind, name, body['name'], _definition(kind, body))

    def delete_child(self, ns_name, kind, name):
        db.child_delete(ns_name, kind, name)

    def delete_children(self, ns_name, kind):
        db.children_delete(ns_name, kind)

    def create_tag(self, ns_name, name):
        return db.child_create(ns_name, 'tag', [(name, {})])[0]

    def rename_tag(self, ns_name, name, new_name):
        return db.child_update(ns_name, 'tag', name, new_name, {})

    def create_tags(self, ns_name, names, append=False):
        """Tags ``names``: replace the namespace's tags, or add to them."""
        if len(set(names)) != len(names):
            raise exception.DuplicateMetadef(kind='tag', name=', '.join(sorted(
                {n for n in names if names.count(n) > 1})), namespace=ns_name)
        if not append:
            db.children_delete(ns_name, 'tag')
        return db.child_create(ns_name, 'tag', [(n, {}) for n in names])

    # -- resource types -------------------------------------------------------------------

    def list_associations(self, ns):
        return db.associations([ns['id']])[ns['id']]

    def create_association(self, ns_name, body):
        return db.association_create(ns_name, body)

    def delete_association(self, ns_name, resource_type):
        db.association_delete(ns_name, resource_type)

    def list_resource_types(self):
        return db.resource_type_list()
