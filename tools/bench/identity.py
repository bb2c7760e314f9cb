#!/usr/bin/env python3
"""Identity benchmark: token issue (password, token) and validate.

Runs against a running identity service (``deploy/stack.sh`` starts one):

    python tools/bench/identity.py --url http://127.0.0.1:5000/v3 --password secret

For each concurrency level it sends ``--requests`` requests of each kind and
prints req/s, p50 and p99.  It also prints the bare bcrypt hash rate at the
service's cost with the same concurrency, since password-auth issue is bound
by it (the target is >= 85% of that rate).
"""

import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse

import bcrypt


class Client:
    """One keep-alive HTTP connection; one per worker thread."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path.rstrip('/')
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if body is not None:
            body = json.dumps(body)
            headers['Content-Type'] = 'application/json'
        self.conn.request(method, self.path + path, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, resp.headers, data


def password_body(args):
    return {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': args.username, 'domain': {'id': 'default'}, 'password': args.password}}},
        'scope': {'project': {'name': args.project, 'domain': {'id': 'default'}}}}}


def token_body(token, args):
    return {'auth': {'identity': {'methods': ['token'], 'token': {'id': token}},
                     'scope': {'project': {'name': args.project, 'domain': {'id': 'default'}}}}}


def issue_token(client, args):
    status, headers, _ = client.request('POST', '/auth/tokens?nocatalog', password_body(args))
    if status != 201:
        raise SystemExit('password authentication failed: HTTP %s' % status)
    return headers['X-Subject-Token']


def run(kind, make_request, total, concurrency, url):
    """Send ``total`` requests from ``concurrency`` threads; return figures."""
    latencies = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        client = Client(url)
        mine = []
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            start = time.perf_counter()
            status = make_request(client)
            mine.append(time.perf_counter() - start)
            if status >= 400:
                errors.append(status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {'kind': kind, 'concurrency': concurrency, 'requests': total,
            'errors': len(errors), 'req_per_s': total / elapsed,
            'p50_ms': statistics.median(latencies) * 1000,
            'p99_ms': latencies[int(len(latencies) * 0.99) - 1] * 1000}


def bcrypt_rate(rounds, total, concurrency):
    hashed = bcrypt.hashpw(b'benchmark-password', bcrypt.gensalt(rounds))
    counter = iter(range(total))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            bcrypt.checkpw(b'benchmark-password', hashed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', default='http://127.0.0.1:5000/v3')
    parser.add_argument('--username', default='admin')
    parser.add_argument('--password', default='secret')
    parser.add_argument('--project', default='admin')
    parser.add_argument('--requests', type=int, default=2000)
    parser.add_argument('--password-requests', type=int, default=None,
                        help='requests for password-auth issue (default: --requests); '
                             'each costs one bcrypt hash')
    parser.add_argument('--concurrency', default='4,16')
    parser.add_argument('--bcrypt-rounds', type=int, default=12)
    args = parser.parse_args()
    password_total = args.password_requests or args.requests

    admin = Client(args.url)
    admin_token = issue_token(admin, args)
    subject = issue_token(admin, args)
    results = []
    for concurrency in [int(c) for c in args.concurrency.split(',')]:
        hash_rate = bcrypt_rate(args.bcrypt_rounds, max(concurrency * 4, 32), concurrency)
        print('bcrypt cost %d, %d threads: %.1f hashes/s'
              % (args.bcrypt_rounds, concurrency, hash_rate), flush=True)
        results.append(run(
            'issue (password)',
            lambda c: c.request('POST', '/auth/tokens?nocatalog', password_body(args))[0],
            password_total, concurrency, args.url))
        results[-1]['of_hash_rate'] = results[-1]['req_per_s'] / hash_rate
        results.append(run(
            'issue (token)',
            lambda c: c.request('POST', '/auth/tokens?nocatalog',
                                token_body(subject, args))[0],
            args.requests, concurrency, args.url))
        results.append(run(
            'validate',
            lambda c: c.request('GET', '/auth/tokens', headers={
                'X-Auth-Token': admin_token, 'X-Subject-Token': subject})[0],
            args.requests, concurrency, args.url))
        for r in results[-3:]:
            extra = ('  (%.0f%% of hash rate)' % (r['of_hash_rate'] * 100)
                     if 'of_hash_rate' in r else '')
            print('%-17s c=%-3d n=%-5d errors=%-3d %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms%s'
                  % (r['kind'], r['concurrency'], r['requests'], r['errors'], r['req_per_s'],
                     r['p50_ms'], r['p99_ms'], extra), flush=True)


if __name__ == '__main__':
    main()
