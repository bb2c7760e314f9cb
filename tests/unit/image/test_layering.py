"""The image service's layers: controllers reach the database and the
stores only through the managers in ``services/image/core``; the data-path
plumbing (streaming, format inspection, fetching, stores) knows neither."""

import ast
import pathlib

IMAGE = pathlib.Path(__file__).resolve().parents[3] / 'services' / 'image'
DB = ('sqlalchemy', 'oslo_db', 'alembic', 'services.image.db')


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from ('%s.%s' % (node.module, alias.name) for alias in node.names)


def _offenders(paths, banned):
    found = {}
    for path in paths:
        bad = sorted({name for name in _imports(path)
                      if any(name == b or name.startswith(b + '.') for b in banned)})
        if bad:
            found[str(path.relative_to(IMAGE))] = bad
    return found


def test_the_api_never_imports_the_database_layer():
    assert _offenders((IMAGE / 'api').rglob('*.py'), DB) == {}


def test_controllers_never_touch_the_stores():
    """``api/app.py`` picks the configured stores and hands them to the
    managers; no controller holds one."""
    paths = (IMAGE / 'api' / 'controllers').rglob('*.py')
    assert _offenders(paths, ('services.image.store',)) == {}


def test_data_path_plumbing_holds_no_business_logic():
    paths = [IMAGE / name for name in ('pipeline.py', 'formats.py', 'webfetch.py')]
    paths += (IMAGE / 'store').rglob('*.py')
    assert _offenders(paths, DB + ('services.image.core', 'services.image.api')) == {}
