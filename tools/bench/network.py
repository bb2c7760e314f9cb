"""Network service benchmark: port create latency and a 2000-port list.

Starts alto-network-conductor and alto-network-api (noauth) on a free
loopback port with RabbitMQ and SQLite (default) or a throw-away MariaDB
database (``--mysql``), then prints p50/p90 figures. Every figure includes
the HTTP request, the RPC hop to the conductor and the database work.
MariaDB is reached with mysqlclient (C) when it is installed, else PyMySQL
(``--driver`` chooses).

    .venv/bin/python tools/bench/network.py [--mysql [--driver mysqldb|pymysql]] [--ports 2000]
"""

import argparse
import concurrent.futures
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, __file__.rsplit('/tools/', 1)[0])

from tests.functional.network.fixtures import NetworkServer  # noqa: E402

HEADERS = {'Content-Type': 'application/json', 'X-Project-Id': 'bench',
           'X-User-Id': 'bench', 'X-Roles': 'admin,member'}


def call(url, method, path, body=None):
    req = urllib.request.Request(url + '/v2.0' + path, method=method, headers=HEADERS,
                                 data=json.dumps(body).encode() if body else None)
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read() or b'null')


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return (time.perf_counter() - start) * 1000, result


def percentiles(samples):
    ordered = sorted(samples)
    return (statistics.median(ordered), ordered[int(len(ordered) * 0.9) - 1])


def run(server, total_ports, sequential):
    url = server.url
    call(url, 'PUT', '/quotas/bench', {'quota': {'port': -1}})
    net = call(url, 'POST', '/networks', {'network': {'name': 'bench'}})['network']
    call(url, 'POST', '/subnets', {'subnet': {'network_id': net['id'], 'ip_version': 4,
                                              'cidr': '10.128.0.0/20'}})
    body = {'port': {'network_id': net['id']}}
    for _ in range(5):  # warm up connections and caches
        call(url, 'POST', '/ports', body)
    samples = [timed(call, url, 'POST', '/ports', body)[0] for _ in range(sequential)]
    p50, p90 = percentiles(samples)
    print('port create (sequential, %d): p50 %.1f ms, p90 %.1f ms' % (sequential, p50, p90))

    remaining = total_ports - sequential - 5
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: call(url, 'POST', '/ports', body), range(remaining)))
    elapsed = time.perf_counter() - start
    print('port create (8 concurrent clients, %d): %.0f ports/s' % (remaining,
                                                                      remaining / elapsed))
    samples = []
    for _ in range(15):
        ms, listed = timed(call, url, 'GET', '/ports')
        samples.append(ms)
    assert len(listed['ports']) == total_ports, len(listed['ports'])
    p50, p90 = percentiles(samples)
    print('port list (%d ports): p50 %.1f ms, p90 %.1f ms' % (total_ports, p50, p90))


def mysql_driver():
    try:
        import MySQLdb  # noqa: F401
        return 'mysqldb'
    except ImportError:
        return 'pymysql'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mysql', action='store_true', help='use MariaDB on 127.0.0.1')
    parser.add_argument('--driver', choices=('mysqldb', 'pymysql'), default=None,
                        help='MariaDB driver (default: mysqldb if installed)')
    parser.add_argument('--ports', type=int, default=2000)
    parser.add_argument('--sequential', type=int, default=200)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix='alto-net-bench-')
    dbname = None
    if args.mysql:
        import pymysql
        dbname = 'alto_netbench_%s' % secrets.token_hex(4)
        conn = pymysql.connect(host='127.0.0.1', user='root')
        conn.cursor().execute('CREATE DATABASE %s CHARACTER SET utf8mb4' % dbname)
        driver = args.driver or mysql_driver()
        connection = 'mysql+%s://root@127.0.0.1:3306/%s?charset=utf8mb4' % (driver, dbname)
    else:
        connection = 'sqlite:///%s/network.sqlite' % workdir
    server = NetworkServer(workdir, connection)
    try:
        server.start()
        print('database: %s' % (('MariaDB (%s)' % driver) if args.mysql else 'SQLite'))
        run(server, args.ports, args.sequential)
    finally:
        server.stop()
        if dbname:
            conn.cursor().execute('DROP DATABASE IF EXISTS %s' % dbname)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
