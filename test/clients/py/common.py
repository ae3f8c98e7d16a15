"""Output helpers shared by the seed-example scripts: one JSON object per line, so the test can
compare what a script saw against Redis and against Vesta. Bytes are shown as latin1 text."""

import json
import sys

import redis


def connect():
    """A client for the port given as the first argument, as the seed examples create it."""
    return redis.Redis(host='127.0.0.1', port=int(sys.argv[1]), db=0)


def plain(value):
    """Makes a redis-py result JSON-friendly without losing what kind of value it was."""
    if isinstance(value, bytes):
        return value.decode('latin1')
    if isinstance(value, Exception):
        return {'error': type(value).__name__, 'message': str(value)}
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def emit(step, value):
    print(json.dumps({'step': step, 'value': plain(value)}, sort_keys=True), flush=True)
