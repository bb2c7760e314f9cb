"""Write tempest.conf for a running Altostratus cloud (called by tools/conformance.sh).

Everything comes from the environment that conformance.sh sets: the admin credentials it read
from clouds.yaml, the services it found in the catalog (AVAILABLE, space-separated service
types), the image/flavor/network ids and the network extension aliases (NETWORK_EXTENSIONS) it
looked up, and the overlay files to merge last (OVERLAYS, colon-separated ini files: later
files win).  Tempest's security_compliance
tests are on when the cloud's identity.conf (IDENTITY_CONF, default
/etc/altostratus/identity.conf) locks accounts out and keeps a password history; Tempest
then uses the cloud's own numbers.
"""
import configparser
import os
import sys

env = os.environ


def security_compliance(identity_conf):
    """Tempest's [identity] user_* options for the cloud's [security_compliance]
    (read from its identity.conf), or None when the cloud locks out no account and
    keeps no password history: Tempest's security_compliance tests need both."""
    cloud = configparser.ConfigParser(interpolation=None)
    try:
        cloud.read(identity_conf)
    except (OSError, configparser.Error):
        return None
    if not cloud.has_section('security_compliance'):
        return None
    sc = dict(cloud.items('security_compliance', raw=True))

    def number(name, default=0):
        try:
            return int(sc.get(name) or default)
        except ValueError:
            return default
    attempts = number('lockout_failure_attempts')
    history = number('unique_last_password_count')
    if attempts <= 0 or history <= 1:
        return None
    return {'user_lockout_failure_attempts': attempts,
            'user_lockout_duration': number('lockout_duration', 1800),
            'user_unique_last_password_count': history,
            'user_minimum_password_age': number('minimum_password_age')}


def main(path):
    conf = configparser.ConfigParser(interpolation=None)
    conf.optionxform = str

    def put(section, **values):
        if section != 'DEFAULT' and not conf.has_section(section):
            conf.add_section(section)
        for key, value in values.items():
            if isinstance(value, bool):
                value = 'true' if value else 'false'
            conf.set(section, key, str(value))

    ws = env['WS']
    region = env.get('REGION', 'RegionOne')
    avail = set(env.get('AVAILABLE', '').split())
    tested = set(env.get('TESTED', '').split())
    has = {
        'glance': 'image' in avail,
        'nova': 'compute' in avail,
        'neutron': 'network' in avail,
        'cinder': bool(avail & {'volumev3', 'block-storage'}),
        'swift': 'object-store' in avail,
    }
    put('DEFAULT', log_dir=ws + '/logs', log_file='tempest.log', debug=False)
    put('oslo_concurrency', lock_path=ws + '/lock')
    # Project networks per test class only when servers are tested: they cost a network,
    # subnet and router per class and no identity or image test uses them.
    put('auth', use_dynamic_credentials=True, tempest_roles='member',
        admin_username=env['ADMIN_USER'], admin_password=env['ADMIN_PASSWORD'],
        admin_project_name=env['ADMIN_PROJECT'],
        admin_domain_name=env['ADMIN_USER_DOMAIN'],
        admin_user_domain_name=env['ADMIN_USER_DOMAIN'],
        admin_project_domain_name=env['ADMIN_PROJECT_DOMAIN'],
        default_credentials_domain_name=env['ADMIN_USER_DOMAIN'],
        create_isolated_networks=has['neutron'] and bool(tested & {'compute', 'network'}))
    put('identity', uri_v3=env['AUTH_URL'], auth_version='v3', region=region,
        v3_endpoint_type='public', admin_role='admin', default_domain_id='default',
        disable_ssl_certificate_validation=True)
    put('identity-feature-enabled', api_v2=False, api_v3=True, trust=True, access_rules=True,
        project_tags=True, application_credentials=True)
    compliance = security_compliance(env.get('IDENTITY_CONF', '/etc/altostratus/identity.conf'))
    if compliance:
        put('identity-feature-enabled', security_compliance=True)
        put('identity', **compliance)
    put('service_available', horizon=False, **has)
    put('enforce_scope', keystone=True, glance=True, nova=True, neutron=True, cinder=True,
        placement=True)
    http_image = env.get('HTTP_IMAGE_URL') or 'http://127.0.0.1:1/none.qcow2'
    put('image', region=region, endpoint_type='publicURL', http_image=http_image,
        http_qcow2_image=http_image, build_timeout=120)
    put('image-feature-enabled', api_v2=True, import_image=True, os_glance_reserved=True)
    image_ref = env.get('IMAGE_REF', '')
    put('compute', region=region, endpoint_type='publicURL', image_ref=image_ref,
        image_ref_alt=env.get('IMAGE_REF_ALT') or image_ref,
        flavor_ref=env.get('FLAVOR_REF', ''), flavor_ref_alt=env.get('FLAVOR_REF_ALT', ''),
        build_timeout=300, min_microversion='2.1',
        # the newest the compute API announces (services/compute/api/microversion.py)
        max_microversion=env.get('COMPUTE_MAX_MICROVERSION', '2.100'),
        # Tempest boots servers of classes without a network of their own on this (shared)
        # network: the stack has none (its "private" is the demo project's, which Tempest's
        # projects cannot see, and servers cannot have ports on the external one).
        fixed_network_name=env.get('FIXED_NETWORK_NAME', ''))
    put('compute-feature-enabled', interface_attach=has['neutron'], resize=True,
        cold_migration=True, console_output=True, rescue=True, snapshot=True, shelve=True,
        suspend=True, pause=True, change_password=True, personality=True, config_drive=True)
    put('network', region=region, endpoint_type='publicURL',
        public_network_id=env.get('PUBLIC_NETWORK_ID', ''),
        floating_network_name=env.get('PUBLIC_NETWORK_NAME', 'public'),
        project_networks_reachable=False, shared_physical_network=False)
    # the aliases the network API lists (conformance.sh), else Tempest assumes all it knows
    put('network-feature-enabled', ipv6=True, ipv6_subnet_attributes=True,
        api_extensions=env.get('NETWORK_EXTENSIONS') or 'all')
    # the newest the volume API announces (services/volume/api/microversion.py); unset,
    # Tempest skips every microversioned volume test
    put('volume', region=region, endpoint_type='publicURL', catalog_type='volumev3',
        min_microversion='3.0',
        max_microversion=env.get('VOLUME_MAX_MICROVERSION', '3.68'),
        # deploy/lib/volume.sh makes it
        volume_type_multiattach=env.get('VOLUME_MULTIATTACH_TYPE', 'multiattach'))
    put('object-storage', region=region, endpoint_type='publicURL', operator_role='member')
    # Tempest's SSH checks of servers: a keypair login as root (the stack's guest image has only
    # root, docs/guest-image.md) over a floating IP of the external network, which the host
    # reaches on br-ex. ECDSA keys, Tempest's default: Tempest makes the key itself and imports
    # it, which it must from 2.92 (no generated keypairs), as its classes at 2.93/2.94 do.
    validation = (has['neutron'] and 'compute' in tested and bool(env.get('PUBLIC_NETWORK_ID'))
                  and env.get('VALIDATION', '1') != '0')
    put('validation', run_validation=validation)
    if validation:
        put('validation', connect_method='floating', auth_method='keypair',
            image_ssh_user='root', image_alt_ssh_user='root', ssh_key_type='ecdsa',
            ip_version_for_ssh=4)
        # read by the guest (its curl) through the network's metadata proxy
        put('compute-feature-enabled', metadata_service=True)
    for overlay in filter(None, env.get('OVERLAYS', '').split(':')):
        extra = configparser.ConfigParser(interpolation=None)
        extra.optionxform = str
        if not extra.read(overlay):
            sys.exit(f'cannot read {overlay}')
        for section in extra.sections():
            put(section, **dict(extra.items(section, raw=True)))
    with open(path, 'w') as f:
        conf.write(f)


if __name__ == '__main__':
    main(sys.argv[1])
