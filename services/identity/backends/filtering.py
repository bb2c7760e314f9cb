"""Filter semantics shared by every identity backend.

The SQL backend pushes what it can into its queries and uses these
functions for the rest, so both backends answer a filter the same way.
"""


def matches_hints(ref, hints):
    """True when every ``hints`` key equals the ref's field (exact match)."""
    if not hints:
        return True
    return all(ref.get(key) == value for key, value in hints.items())


def matches_tags(ref_tags, tags=None, tags_any=None, not_tags=None,
                 not_tags_any=None):
    """Keystone's project tag filters.

    ``tags``: has all of them; ``tags_any``: has at least one;
    ``not_tags``: lacks at least one of them; ``not_tags_any``: has none.
    """
    have = set(ref_tags)
    if tags and not set(tags) <= have:
        return False
    if tags_any and not set(tags_any) & have:
        return False
    if not_tags and set(not_tags) <= have:
        return False
    if not_tags_any and set(not_tags_any) & have:
        return False
    return True


def normalize_tags(tags):
    """Tags are a set of strings; we store and return them sorted."""
    return sorted(set(tags or ()))
