"""The seed's "Monitoring and Alerting" example, run with redis-py against a server on the port
given as argv[1]. The seed's snippet uses time and alert() without defining them (it is an
excerpt); they are supplied here, and the function itself is as written."""

import redis
import sys
import time

from common import connect, emit

alerts = []


def alert(message):
    alerts.append(message)


# As in the seed, verbatim.
def check_persistence_health(redis_client):
    """Monitor Redis persistence health"""
    info = redis_client.info('persistence')

    checks = {
        'rdb_last_save_age': info.get('rdb_changes_since_last_save', 0),
        'aof_enabled': info.get('aof_enabled', 0),
        'aof_rewrite_in_progress': info.get('aof_rewrite_in_progress', 0),
        'rdb_bgsave_in_progress': info.get('rdb_bgsave_in_progress', 0)
    }

    # Alert if no save in 30 minutes and changes exist
    if checks['rdb_last_save_age'] > 0:
        last_save_time = info.get('rdb_last_save_time', 0)
        if (time.time() - last_save_time) > 1800:  # 30 minutes
            alert("RDB: No recent backup with pending changes")

    return checks


r = connect()
emit('health_fresh', check_persistence_health(r))
# Changes since the last save make the function look at rdb_last_save_time.
r.set('k1', 'v')
r.set('k2', 'v')
r.incr('counter')
r.delete('k2')
health = check_persistence_health(r)
emit('health_after_writes', health)
emit('alerts', alerts)
info = r.info('persistence')
emit('fields', sorted(info))
emit('last_save_recent', abs(time.time() - info.get('rdb_last_save_time', 0)) < 600)
emit('types', {k: type(v).__name__ for k, v in sorted(info.items())})


def wait_for_bgsave(client):
    while client.info('persistence').get('rdb_bgsave_in_progress', 0) == 1:
        time.sleep(0.05)


# argv[2] == 'failing-saves': saves fail (dbfilename names a directory, so the final rename of
# the dump fails) while changes pile up; 31 minutes later, by the injected clock, the seed's
# function must raise its alert. Fixing the file name and saving again must silence it.
if len(sys.argv) > 2 and sys.argv[2] == 'failing-saves':
    alerts.clear()
    r.config_set('dbfilename', 'blocked.rdb')
    for i in range(10):
        r.set('pending:%d' % i, 'v')
    r.bgsave()
    wait_for_bgsave(r)
    emit('failed_status', r.info('persistence').get('rdb_last_bgsave_status'))
    real_time = time.time
    time.time = lambda: real_time() + 31 * 60
    emit('failing_checks', check_persistence_health(r))
    emit('failing_alerts', alerts)
    time.time = real_time
    emit('no_alert_without_clock', check_persistence_health(r) and len(alerts) == 1)
    r.config_set('dbfilename', 'dump.rdb')
    r.bgsave()
    wait_for_bgsave(r)
    time.time = lambda: real_time() + 31 * 60
    emit('fixed_checks', check_persistence_health(r))
    emit('fixed_alerts', alerts)
    time.time = real_time
