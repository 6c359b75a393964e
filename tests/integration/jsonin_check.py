"""jsonin_check: judging --input json output, for test_jsonin.py and the
pipeline tests. Python standard library only; shares nothing with
ptrtag's C code.

- loads_strict(text)       json.loads refusing duplicate member names
- strip_inserted(inp, out) out with ptrtag's inserted members and
                           elements removed, walking both side by side;
                           raises ValueError when out is not inp plus
                           whole insertions before its '}' or ']' (or an
                           inserted name is not ptrtag's)
- added(inp, out)          the parsed output minus the parsed input: what
                           ptrtag added, as {dotted path: value}
- read_time(adds)          pops '@timestamp' from added()'s dict: None when
                           absent, else whether it is an RFC 3339 UTC time
                           with milliseconds within a day of now
"""

import json

# Member names ptrtag may insert (ptrtag.1, STRUCTURED INPUT).
OURS = {'rdns', 'related', 'ip', 'hosts', 'domain', 'source.domain',
        'destination.domain', 'client.domain', 'server.domain',
        'related.ip', 'related.hosts', '@timestamp', 'ecs', 'version',
        'ecs.version'}

_DECODER = json.JSONDecoder()


def no_dups(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError('duplicate member name in %r' % keys)
    return dict(pairs)


def loads_strict(text):
    """Parse one JSON text; duplicate names anywhere raise ValueError."""
    return json.loads(text, object_pairs_hook=no_dups)


def _inserted(out, o, closer):
    """The run inserted at out[o:] before closer; returns its end."""
    if out[o] == ',':
        o += 1
    while True:
        if closer == '}':
            key, o = _DECODER.raw_decode(out, o)
            if key not in OURS:
                raise ValueError('inserted member %r is not ptrtag\'s' % key)
            if out[o] != ':':
                raise ValueError('no colon after inserted %r' % key)
            _, o = _DECODER.raw_decode(out, o + 1)
        else:
            value, o = _DECODER.raw_decode(out, o)
            if not isinstance(value, str):
                raise ValueError('inserted element %r' % (value,))
        if out[o] == closer:
            return o
        if out[o] != ',':
            raise ValueError('inserted run ends in %r' % out[o:o + 20])
        o += 1


def strip_inserted(inp, out):
    """inp and out as str; returns out without ptrtag's insertions."""
    i = o = 0
    kept = []
    while i < len(inp):
        if o >= len(out):
            raise ValueError('output ends before the input')
        if inp[i] == out[o]:
            kept.append(out[o])
            i += 1
            o += 1
            continue
        if inp[i] not in '}]':
            raise ValueError('output differs at input offset %d: %r vs %r'
                             % (i, inp[i:i + 30], out[o:o + 30]))
        o = _inserted(out, o, inp[i])
    if o != len(out):
        raise ValueError('output has more after the input: %r' % out[o:])
    return ''.join(kept)


def _flatten(value, prefix, out):
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, prefix + k + '.', out)
    else:
        out[prefix[:-1]] = value


def added(inp, out):
    """{dotted path: value} present in out and not in inp; a list that
    grew gives its new elements under its path."""
    a, b = {}, {}
    _flatten(loads_strict(inp), '', a)
    _flatten(loads_strict(out), '', b)
    diff = {}
    for k, v in b.items():
        if k not in a:
            diff[k] = v
        elif a[k] != v:
            if isinstance(a[k], list) and isinstance(v, list) and \
                    v[:len(a[k])] == a[k]:
                diff[k] = v[len(a[k]):]
            else:
                raise ValueError('%s changed: %r -> %r' % (k, a[k], v))
    return diff


def read_time(adds):
    """See the top."""
    import datetime
    import re
    stamp = adds.pop('@timestamp', None)
    if stamp is None:
        return None
    if not isinstance(stamp, str) or not re.fullmatch(
            r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', stamp):
        return False
    when = datetime.datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%S.%fZ')
    now = datetime.datetime.utcnow()
    return abs((now - when).total_seconds()) < 86400
