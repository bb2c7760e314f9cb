"""The one service skeleton, checked over the source tree (ast, no imports).

Every service has the packages agreed for it; a conductor's ``tasks/`` is
its own business; services reach each other through their REST APIs only,
never by importing each other; ``common/`` is plumbing that names no service.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ROOT / 'services'
COMMON = ROOT / 'common'

_EVERY_SERVICE = ('api', 'cmd', 'conf', 'db', 'exception.py')

#: What each service must have (packages, and modules ending in .py).
REQUIRED = {
    'identity': _EVERY_SERVICE + ('core',),
    'image': _EVERY_SERVICE + ('core',),
    'compute': _EVERY_SERVICE + ('conductor', 'objects'),
    'network': _EVERY_SERVICE + ('conductor',),
    'volume': _EVERY_SERVICE + ('conductor',),
    # Swift's design: no conductor, no service database (SQLite files on the devices)
    'objectstore': ('cmd', 'conf', 'exception.py', 'ring', 'proxy', 'account', 'container',
                    'object'),
}


def _services():
    return sorted(p.name for p in SERVICES.iterdir() if (p / '__init__.py').exists())


def _module_name(path):
    return '.'.join(path.relative_to(ROOT).with_suffix('').parts)


def _imports(path):
    """Every module ``path`` imports (relative imports resolved), with the
    names imported from it as submodule candidates; plus the constant
    arguments of importlib.import_module() / __import__()."""
    tree = ast.parse(path.read_text(), str(path))
    package = _module_name(path).split('.')
    if path.name != '__init__.py':
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parent = package[:len(package) - node.level + 1]
                base = '.'.join(parent + ([node.module] if node.module else []))
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, '%s.%s' % (base, alias.name)
        elif isinstance(node, ast.Call) and node.args and \
                isinstance(node.args[0], ast.Constant) and \
                isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, 'id', '')
            if name in ('import_module', '__import__'):
                yield node.lineno, node.args[0].value


def _names(module, prefix):
    return module == prefix or module.startswith(prefix + '.')


def test_every_service_is_listed():
    assert _services() == sorted(REQUIRED)


@pytest.mark.parametrize('service', sorted(REQUIRED))
def test_service_has_the_agreed_packages(service):
    missing = []
    for name in REQUIRED[service]:
        path = SERVICES / service / name
        present = path.is_file() if name.endswith('.py') else (path / '__init__.py').is_file()
        if not present:
            missing.append(name)
    assert missing == [], '%s lacks %s' % (service, ', '.join(missing))


def test_only_a_conductor_imports_its_tasks():
    offenders = []
    for service in _services():
        tasks = 'services.%s.conductor.tasks' % service
        conductor = SERVICES / service / 'conductor'
        for path in sorted((SERVICES / service).rglob('*.py')):
            if conductor in path.parents:
                continue
            offenders += ['%s:%d imports %s' % (path.relative_to(ROOT), line, name)
                          for line, name in _imports(path) if _names(name, tasks)]
    assert offenders == []


def test_no_service_imports_another():
    services = _services()
    offenders = []
    for service in services:
        others = ['services.%s' % s for s in services if s != service]
        for path in sorted((SERVICES / service).rglob('*.py')):
            offenders += ['%s:%d imports %s' % (path.relative_to(ROOT), line, name)
                          for line, name in _imports(path)
                          if any(_names(name, other) for other in others)]
    assert offenders == []


def test_common_imports_no_service_by_name():
    offenders = []
    for path in sorted(COMMON.rglob('*.py')):
        offenders += ['%s:%d imports %s' % (path.relative_to(ROOT), line, name)
                      for line, name in _imports(path) if _names(name, 'services')]
    assert offenders == []
