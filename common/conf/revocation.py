"""``[revocation]``: token revocation events from identity to every API."""

from oslo_config import cfg

revocation_group = cfg.OptGroup(
    'revocation', title='Token revocation events',
    help='Identity publishes every token revocation (a revoked token, a disabled '
         'or deleted user, project or domain, a changed password, a removed role '
         'or application credential) on the message bus; every API that '
         'validates tokens with keystonemiddleware listens and refuses the '
         'tokens they match at once instead of trusting its token cache for up '
         'to [keystone_authtoken] token_cache_time.')

revocation_opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Publish (identity) or listen for (other APIs) revocation '
                     'events. When off, an API honours a revocation only when '
                     'its token cache entry expires.'),
    cfg.StrOpt('transport_url', secret=True,
               help='Message bus the events travel on; defaults to '
                    '[DEFAULT] transport_url. Identity and every API must '
                    'use the same bus and topic.'),
    cfg.StrOpt('topic', default='identity-revocation',
               help='Topic of the fanout casts that carry the events.'),
    cfg.IntOpt('resync_interval', default=30, min=0,
               help='Seconds between fetches of recent events from '
                    "identity's GET /v3/OS-REVOKE/events (with the "
                    'keystonemiddleware service credentials), which bring in '
                    'events a listener missed while the bus was unreachable. '
                    'Events are also fetched when the listener (re)starts. '
                    '0: only at start.'),
    cfg.IntOpt('max_events', default=10000, min=10,
               help='Most events an API process keeps. Beyond it the oldest '
                    'are dropped, and tokens issued before the dropped events '
                    'are validated again with identity on each use until '
                    'those events would have expired.'),
]


def register_opts(conf):
    conf.register_group(revocation_group)
    conf.register_opts(revocation_opts, group=revocation_group)


def list_opts():
    return [(revocation_group, revocation_opts)]
