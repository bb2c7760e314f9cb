"""Every route of the volume API is guarded by a rule of the policy table,
and the table's defaults are cinder's personas."""

from services.volume.api import app as api_app
from services.volume.api import policies


def _normalise(path):
    import re
    return re.sub(r'\{\w+\}', '{}', path)


def test_every_route_has_a_rule():
    guarded = {(m, _normalise(p)) for _, _, _, ops in policies.TABLE for m, p in ops}
    routes = {(method, _normalise(regex.pattern[1:-3].replace('(?P<', '{').replace(
        '>[^/]+)', '}'))) for method, regex, _, _ in api_app.build_router().routes}
    # \{(\w+)\} markers were turned back from the regex; compare the shapes
    missing = sorted(r for r in routes if r not in guarded)
    assert missing == []


def test_personas():
    checks = {name: check for name, check, _, _ in policies.TABLE}
    assert checks['volume:create'] == policies.MEMBER
    assert checks['volume:get'] == policies.READER
    assert checks['volume_extension:types_manage'] == policies.ADMIN
    assert checks['volume_extension:services:index'] == policies.ADMIN
    assert checks['volume_extension:volume_admin_actions:force_delete'] == policies.ADMIN
    assert checks['volume:attachment_create'] == policies.MEMBER
