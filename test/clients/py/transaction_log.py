"""The seed's "Financial Transaction Log" example, run with redis-py against a server on the port
given as argv[1]. The seed logs amount 100.00, so the pipeline sends INCRBY ... 100.0: Redis
runs the MULTI/EXEC, the LPUSH succeeds and the INCRBY fails inside EXEC's reply, and redis-py
raises. The script reports that, what was stored, and the pipeline's raw results."""

import redis
import json
from datetime import datetime

from common import connect, emit

r = connect()


# As in the seed, verbatim (r is the module-level client, as there).
def log_transaction(user_id, amount, transaction_type):
    """Log financial transaction with AOF persistence"""
    transaction = {
        'user_id': user_id,
        'amount': amount,
        'type': transaction_type,
        'timestamp': datetime.now().isoformat(),
        'transaction_id': f"txn_{user_id}_{int(datetime.now().timestamp())}"
    }

    # This command will be logged in AOF
    pipe = r.pipeline()
    pipe.lpush(f'transactions:{user_id}', json.dumps(transaction))
    pipe.incr(f'balance:{user_id}', amount if transaction_type == 'credit' else -amount)
    pipe.execute()

    return transaction


def stored(user_id):
    """The logged entries without their time-dependent fields."""
    entries = [json.loads(e) for e in r.lrange(f'transactions:{user_id}', 0, -1)]
    for e in entries:
        del e['timestamp']
        del e['transaction_id']
    return entries


# Usage, as in the seed.
try:
    transaction = log_transaction('user123', 100.00, 'credit')
    emit('seed_usage', sorted(transaction))
except redis.exceptions.ResponseError as e:
    emit('seed_usage', e)
emit('seed_llen', r.llen('transactions:user123'))
emit('seed_stored', stored('user123'))
emit('seed_balance', r.get('balance:user123'))

# The pipeline's results when errors are returned rather than raised.
pipe = r.pipeline()
pipe.lpush('transactions:user123', 'raw')
pipe.incr('balance:user123', 100.00)
pipe.incr('balance:user123', 100)
pipe.get('balance:user123')
emit('pipeline_results', pipe.execute(raise_on_error=False))

# Integer amounts work as the example intends: credit then debit.
log_transaction('user456', 100, 'credit')
log_transaction('user456', 30, 'debit')
emit('int_stored', stored('user456'))
emit('int_balance', r.get('balance:user456'))

# The same commands without MULTI/EXEC.
pipe = r.pipeline(transaction=False)
pipe.lpush('transactions:user789', 'a', 'b')
pipe.incr('balance:user789', 5)
pipe.incr('balance:user789', 2.5)
pipe.lrange('transactions:user789', 0, -1)
emit('plain_pipeline_results', pipe.execute(raise_on_error=False))

# WATCH-based optimistic locking (redis-py's transaction helper) around the same update.
def credit(pipe):
    balance = int(pipe.get('balance:user456') or 0)
    pipe.multi()
    pipe.set('balance:user456', balance + 10)
    pipe.lpush('transactions:user456', 'bonus')

emit('watch_transaction', r.transaction(credit, 'balance:user456'))
emit('watch_balance', r.get('balance:user456'))
