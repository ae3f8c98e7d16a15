"""The seed's "E-commerce Session Store" example, run with redis-py against a server on the port
given as argv[1]. The seed's session has a list value, which redis-py refuses to encode, so the
example is run as written (and its error reported) and then with the list stored as JSON."""

import json
import time

from common import connect, emit

r = connect()
key = 'session:user:12345'

# As in the seed, verbatim.
session_data = {
    'user_id': '12345',
    'cart_items': ['item1', 'item2'],
    'last_activity': '2024-01-15T10:30:00Z'
}
try:
    r.hset('session:user:12345', mapping=session_data)
    r.expire('session:user:12345', 3600)  # 1 hour TTL
    emit('seed_as_written', 'ok')
except Exception as e:  # redis-py raises DataError before sending anything
    emit('seed_as_written', e)
emit('exists_after_seed', r.exists(key))

# The same session with the cart serialised, which is what the example means to store.
session_data['cart_items'] = json.dumps(session_data['cart_items'])
emit('hset', r.hset(key, mapping=session_data))
emit('expire', r.expire(key, 3600))
emit('hgetall', r.hgetall(key))
emit('ttl', r.ttl(key))
emit('hget', r.hget(key, 'cart_items'))
emit('hmget', r.hmget(key, ['user_id', 'missing', 'last_activity']))
emit('type', r.type(key))
emit('hlen', r.hlen(key))

# A later request refreshes the session: update a field, count views, extend the TTL.
emit('hset_update', r.hset(key, 'last_activity', '2024-01-15T10:45:00Z'))
emit('hincrby', r.hincrby(key, 'views', 1))
emit('hincrby_again', r.hincrby(key, 'views', 1))
emit('hexists', [r.hexists(key, 'views'), r.hexists(key, 'nope')])
emit('expire_refresh', r.expire(key, 7200))
emit('ttl_refreshed', r.ttl(key))
emit('hdel', r.hdel(key, 'views', 'nope'))
emit('persist', r.persist(key))
emit('ttl_persisted', r.ttl(key))
try:
    r.hincrby(key, 'user_id', 1.5)
except Exception as e:
    emit('hincrby_float_error', e)

# A session that times out.
emit('pexpire', r.pexpire(key, 50))
time.sleep(0.2)
emit('exists_after_timeout', r.exists(key))
emit('hgetall_after_timeout', r.hgetall(key))
