"""Authorization: owners, reseller admins, readers, access lists, anonymous."""

import pytest

from services.objectstore import exception
from services.objectstore.proxy import acl

POLICY = acl.Policy()
ACCOUNT = 'AUTH_p1'


def who(project='p1', roles=('member',), user='u1', project_name='one', user_name='ann'):
    return acl.Identity(user_id=user, user_name=user_name, project_id=project,
                        project_name=project_name, roles=roles)


ANON = acl.Identity()


def allowed(identity, method, container=None, obj=None, read='', write='', referrer=None):
    acls = {'X-Container-Read': read, 'X-Container-Write': write} if container else None
    try:
        return acl.authorize(identity, POLICY, method, ACCOUNT, container, obj, acls,
                             referrer)
    except exception.Unauthorized:
        return 401
    except exception.Forbidden:
        return 403


@pytest.mark.parametrize('method', ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'COPY'])
def test_owner_and_reseller_admin_may_do_anything(method):
    assert allowed(who(), method, 'c', 'o').owner
    assert allowed(who(roles=('admin',)), method).owner
    assert allowed(who(project='p2', roles=('admin',)), method, 'c').owner


def test_member_of_another_project_is_refused():
    other = who(project='p2', user='u2')
    for method in ('GET', 'HEAD', 'PUT', 'POST', 'DELETE'):
        assert allowed(other, method) == 403
        assert allowed(other, method, 'c') == 403
        assert allowed(other, method, 'c', 'o') == 403


def test_a_role_outside_the_operator_roles_owns_nothing():
    assert allowed(who(roles=('service',)), 'GET', 'c') == 403


def test_reader_reads_only():
    reader = who(roles=('reader',))
    assert not allowed(reader, 'GET').owner
    assert not allowed(reader, 'HEAD', 'c', 'o').owner
    for method in ('PUT', 'POST', 'DELETE'):
        assert allowed(reader, method, 'c', 'o') == 403
        assert allowed(reader, method, 'c') == 403


def test_anonymous_needs_a_referrer_acl():
    assert allowed(ANON, 'GET') == 401
    assert allowed(ANON, 'GET', 'c', 'o') == 401
    assert isinstance(allowed(ANON, 'GET', 'c', 'o', read='.r:*'), acl.Access)
    assert allowed(ANON, 'GET', 'c', read='.r:*') == 401            # no .rlistings
    assert isinstance(allowed(ANON, 'GET', 'c', read='.r:*,.rlistings'), acl.Access)
    assert allowed(ANON, 'PUT', 'c', 'o', read='.r:*', write='.r:*') == 401
    assert allowed(ANON, 'POST', 'c', read='.r:*,.rlistings') == 401


def test_referrer_patterns_last_match_wins():
    read = '.r:.example.com,.r:-bad.example.com'
    assert isinstance(allowed(ANON, 'GET', 'c', 'o', read=read,
                              referrer='http://www.example.com/page'), acl.Access)
    assert allowed(ANON, 'GET', 'c', 'o', read=read,
                   referrer='http://bad.example.com/') == 401
    assert allowed(ANON, 'GET', 'c', 'o', read=read) == 401


def test_user_acls_by_id_name_and_wildcard():
    other = who(project='p2', user='u2', project_name='two', user_name='bob')
    for entry in ('p2:u2', 'two:bob', 'p2:*', '*:u2', '*:*'):
        assert isinstance(allowed(other, 'GET', 'c', 'o', read=entry), acl.Access), entry
        assert isinstance(allowed(other, 'PUT', 'c', 'o', write=entry), acl.Access), entry
    assert allowed(other, 'GET', 'c', 'o', read='p3:u2') == 403
    assert allowed(other, 'PUT', 'c', 'o', read='p2:u2') == 403
    # a read ACL lists the container; a write ACL never manages it
    assert isinstance(allowed(other, 'GET', 'c', read='p2:u2'), acl.Access)
    assert allowed(other, 'DELETE', 'c', write='p2:u2') == 403
    assert allowed(other, 'POST', 'c', write='p2:u2') == 403


def test_identity_from_keystonemiddleware_headers():
    confirmed = acl.Identity.from_environ({
        'HTTP_X_IDENTITY_STATUS': 'Confirmed', 'HTTP_X_USER_ID': 'u', 'HTTP_X_PROJECT_ID': 'p',
        'HTTP_X_ROLES': 'Member,reader'})
    assert confirmed.authenticated and confirmed.roles == {'member', 'reader'}
    invalid = acl.Identity.from_environ({'HTTP_X_IDENTITY_STATUS': 'Invalid',
                                         'HTTP_X_USER_ID': 'forged'})
    assert not invalid.authenticated


@pytest.mark.parametrize('value', ['.r:*', '.r:*,.rlistings', 'p:u, q:*', '.r:-x.com', ''])
def test_acl_syntax_accepted(value):
    acl.check_acl_syntax(value)


@pytest.mark.parametrize('value', ['nobody', '.r:', '.unknown', 'a,b:c'])
def test_acl_syntax_refused(value):
    with pytest.raises(exception.BadRequest):
        acl.check_acl_syntax(value)
