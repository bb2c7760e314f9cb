"""``GET /info``: what this cluster offers (public, no token needed)."""

import json

import webob

from services.objectstore.common import metadata
from services.objectstore.common import paths


def capabilities(conf):
    return {
        'swift': {
            'version': '2.34.0',
            'max_file_size': conf.proxy.max_file_size,
            'max_meta_count': conf.proxy.max_meta_count,
            'max_meta_name_length': metadata.MAX_META_NAME,
            'max_meta_value_length': metadata.MAX_META_VALUE,
            'max_meta_overall_size': metadata.MAX_META_OVERALL,
            'container_listing_limit': conf.proxy.container_listing_limit,
            'account_listing_limit': conf.proxy.container_listing_limit,
            'max_account_name_length': paths.MAX_ACCOUNT_NAME,
            'max_container_name_length': paths.MAX_CONTAINER_NAME,
            'max_object_name_length': paths.MAX_OBJECT_NAME,
            'max_header_size': 8192,
            'extra_header_count': 0,
            'allow_account_management': True,
            'account_autocreate': conf.proxy.account_autocreate,
            'valid_api_versions': ['v1'],
            'policies': [{'name': 'Policy-0', 'default': True}],
            'strict_cors_mode': True,
        },
        'keystone_authorization': {
            'reseller_prefix': conf.proxy.reseller_prefix,
            'operator_roles': conf.proxy.operator_roles,
            'reseller_admin_roles': conf.proxy.reseller_admin_roles,
        },
    }


def info(req, conf, features=None):
    if req.method not in ('GET', 'HEAD'):
        resp = webob.Response(status=405)
        resp.headers['Allow'] = 'GET, HEAD'
        return resp
    resp = webob.Response(content_type='application/json', charset='utf-8')
    body = capabilities(conf)
    body.update(features or {})
    resp.body = json.dumps(body).encode('utf-8')
    return resp
