#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check uapi/qlink.yaml against uapi/linux/qlink.h and the kernel's tables.

Names and values of every enum, attribute and command; the type of every
attribute (header kernel-doc, netlink policies); the range of every
parameter (kernel/core/params.c); the type, range or rejection of every
attribute of the purpose nest (its nla_policy table, wherever in
kernel/core/ it is); the attributes and permission flags of every command
(kernel/core/genl.c). Prints TAP, one line per check.
"""
import glob
import os
import re
import sys

import yaml

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
results = []


def check(name, problems):
    results.append((name, problems))


def c_name(prefix, name):
    return (prefix + name).upper().replace('-', '_')


def read(rel):
    with open(os.path.join(TOP, rel)) as f:
        return f.read()


def strip_comments(src):
    return re.sub(r'/\*.*?\*/', '', src, flags=re.S)


def parse_enums(src):
    """{enum name: [(entry, value)]} without the __MAX / MAX entries."""
    enums = {}
    for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\};', strip_comments(src), re.S):
        val = -1
        entries = []
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            if '=' in item:
                name, expr = (s.strip() for s in item.split('=', 1))
                if not re.fullmatch(r'-?\d+', expr):
                    continue	# FOO_MAX = __FOO_MAX - 1
                val = int(expr)
            else:
                name = item
                val += 1
            if name.startswith('__'):
                continue
            entries.append((name, val))
        enums[m.group(1)] = entries
    return enums


def find_enum(enums, names):
    for entries in enums.values():
        if entries and {n for n, _ in entries} & set(names):
            return entries
    return None


TYPE_MAX = {'u8': 2**8 - 1, 'u16': 2**16 - 1, 'u32': 2**32 - 1,
            'u64': 2**64 - 1}
KCONST = {'U8_MAX': 2**8 - 1, 'U16_MAX': 2**16 - 1, 'U32_MAX': 2**32 - 1,
          'U64_MAX': 2**64 - 1, 'S32_MAX': 2**31 - 1, 'S64_MAX': 2**63 - 1}


def kvalue(expr, defines):
    expr = expr.strip()
    while expr in defines:
        expr = defines[expr].strip()
    if expr in KCONST:
        return KCONST[expr]
    return int(expr.rstrip('ULul'), 0)


def policy_entries(src, prefix):
    """{attr: policy text} of the first nla_policy table naming prefix+ID."""
    for m in re.finditer(r'nla_policy\s+(\w+)\[[^\]]*\]\s*=\s*\{(.*?)\};', src, re.S):
        body = m.group(2)
        if '[%sID]' % prefix not in body:
            continue
        return dict(re.findall(r'\[(%s\w+)\]\s*=\s*(NLA_POLICY_\w+\([^)]*\)|\{[^}]*\}|\w+)'
                               % prefix, body))
    return None


def purpose_policy(spec, src, defines):
    """The purpose nest's kernel policy against the spec's types and checks."""
    nla = {'u8': 'NLA_U8', 'u32': 'NLA_U32', 'u64': 'NLA_U64'}
    pol = policy_entries(src, 'QLINK_A_PURPOSE_')
    if pol is None:
        return ['no nla_policy table with [QLINK_A_PURPOSE_ID] in kernel/core/*.c']
    probs = []
    pset = next(s for s in spec['attribute-sets'] if s['name'] == 'purpose')
    for a in pset['attributes']:
        if a['type'] in ('unused', 'pad'):
            continue
        cn = c_name(pset['name-prefix'], a['name'])
        p = pol.get(cn)
        checks = a.get('checks', {})
        if p is None:
            probs.append('%s: not in the kernel policy' % cn)
            continue
        if checks.get('reject'):
            if 'NLA_REJECT' not in p:
                probs.append('%s: spec rejects it, kernel policy %s' % (cn, p))
            continue
        m = re.fullmatch(r'NLA_POLICY_(RANGE|MIN|MAX)\((\w+),\s*([^,]+?)(?:,\s*(.+?))?\s*\)', p.strip())
        f = re.fullmatch(r'NLA_POLICY_FULL_RANGE\((\w+),\s*&\s*(\w+)\s*\)', p.strip())
        if f:
            ktype = f.group(1)
            r = re.search(r'netlink_range_validation\s+%s\s*=\s*\{(.*?)\}' % f.group(2), src, re.S)
            if not r:
                probs.append('%s: range %s not found' % (cn, f.group(2)))
                continue
            fields = dict(re.findall(r'\.(min|max)\s*=\s*([^,\n]+)', r.group(1)))
            lo = kvalue(fields.get('min', '0'), defines)
            hi = kvalue(fields.get('max', '0'), defines)
        elif m:
            ktype = m.group(2)
            args = [kvalue(x, defines) for x in m.group(3, 4) if x is not None]
            lo, hi = {'RANGE': (args[0], args[-1]),
                      'MIN': (args[0], TYPE_MAX[a['type']]),
                      'MAX': (0, args[0])}[m.group(1)]
        else:
            t = re.search(r'\.type\s*=\s*(\w+)', p)
            ktype = t.group(1) if t else p.strip()
            lo, hi = 0, TYPE_MAX.get(a['type'], 0)
        if ktype != nla[a['type']]:
            probs.append('%s: kernel type %s, spec %s' % (cn, ktype, a['type']))
        want = (checks.get('min', 0), checks.get('max', TYPE_MAX.get(a['type'], 0)))
        if (lo, hi) != want:
            probs.append('%s: kernel range [%d, %d], spec [%d, %d]' %
                         (cn, lo, hi, want[0], want[1]))
    extra = set(pol) - {c_name(pset['name-prefix'], a['name'])
                        for a in pset['attributes']}
    if extra:
        probs.append('kernel policy has %s, the spec not' % sorted(extra))
    return probs


def main():
    spec = yaml.safe_load(read('uapi/qlink.yaml'))
    hdr = read('uapi/linux/qlink.h')
    params_c = strip_comments(read('kernel/core/params.c'))
    genl_c = strip_comments(read('kernel/core/genl.c'))
    # Policy tables may live beside their handlers (sched.c, socket.c...).
    core_c = '\n'.join(strip_comments(read(os.path.relpath(f, TOP)))
                        for f in sorted(glob.glob(os.path.join(TOP, 'kernel/core/*.c'))))
    enums = parse_enums(hdr)
    kdoc = dict(re.findall(r'^ \* @(\w+): (\w+)', hdr, re.M))
    defines = dict(re.findall(r'^#define[ \t]+(\w+)[ \t]+(.+?)[ \t]*$', hdr, re.M))

    # family
    probs = []
    if defines.get('QLINK_GENL_NAME') != '"%s"' % spec['name']:
        probs.append('QLINK_GENL_NAME %s' % defines.get('QLINK_GENL_NAME'))
    if int(defines.get('QLINK_GENL_VERSION', -1)) != spec['version']:
        probs.append('QLINK_GENL_VERSION %s' % defines.get('QLINK_GENL_VERSION'))
    groups = [g['name'] for g in spec['mcast-groups']['list']]
    hdr_groups = [v.strip('"') for k, v in defines.items()
                  if re.fullmatch(r'QLINK_MCGRP_\w+_NAME', k)]
    if groups != hdr_groups:
        probs.append('multicast groups %s' % groups)
    check('family', probs)

    # definitions
    for d in spec['definitions']:
        want = [(c_name(d['name-prefix'], e['name']), e['value']) for e in d['entries']]
        got = find_enum(enums, [n for n, _ in want])
        check('definition-' + d['name'],
              [] if got == want else ['header %s != spec %s' % (got, want)])

    # attribute sets: names, values, kernel-doc types
    yaml_type = {}
    for s in spec['attribute-sets']:
        want, val, probs = [], -1, []
        for a in s['attributes']:
            val = a.get('value', val + 1)
            cn = c_name(s['name-prefix'], a['name'])
            want.append((cn, val))
            yaml_type[cn] = a['type']
            if a['type'] in ('unused', 'pad'):
                continue
            if kdoc.get(cn) != a['type']:
                probs.append('%s: header says %s, spec %s' % (cn, kdoc.get(cn), a['type']))
        got = find_enum(enums, [n for n, _ in want])
        if got != want:
            probs.append('header %s != spec %s' % (got, want))
        check('attribute-set-' + s['name'], probs)

    # commands
    ops = spec['operations']['list']
    want = [(c_name(spec['operations']['name-prefix'], o['name']), o.get('value', i))
            for i, o in enumerate(ops)]
    got = find_enum(enums, [n for n, _ in want])
    check('commands', [] if got == want else ['header %s != spec %s' % (got, want)])

    # parameter policy types and ranges (kernel/core/params.c)
    nla = {'u8': 'NLA_U8', 'u32': 'NLA_U32', 'u64': 'NLA_U64', 's32': 'NLA_S32',
           's64': 'NLA_S64', 'string': 'NLA_NUL_STRING', 'nest': 'NLA_NESTED'}
    pol = dict(re.findall(r'\[(QLINK_A_PARAM_\w+)\]\s*=\s*\{\s*\.type\s*=\s*(\w+)', params_c))
    table = {}
    for m in re.finditer(r'QLINK_PARAM\((\w+),\s*\w+,\s*(\w+),\s*(-?\d+|S64_MAX),\s*(-?\d+|S64_MAX),', params_c):
        num = {'S64_MAX': 2**63 - 1}
        lo = num.get(m.group(3)) or int(m.group(3))
        hi = num.get(m.group(4)) or int(m.group(4))
        table['QLINK_A_PARAM_' + m.group(1)] = (m.group(2), lo, hi)
    probs = []
    pset = next(s for s in spec['attribute-sets'] if s['name'] == 'params')
    for a in pset['attributes']:
        if a['type'] in ('unused', 'pad'):
            continue
        cn = c_name(pset['name-prefix'], a['name'])
        if pol.get(cn) != nla[a['type']]:
            probs.append('%s: policy %s, spec %s' % (cn, pol.get(cn), a['type']))
        t = table.get(cn)
        if not t:
            probs.append('%s: not in qlink_param_desc' % cn)
            continue
        if t[0] != a['type']:
            probs.append('%s: desc type %s, spec %s' % (cn, t[0], a['type']))
        if (t[1], t[2]) != (a['checks']['min'], a['checks']['max']):
            probs.append('%s: kernel range [%d, %d], spec [%d, %d]' %
                         (cn, t[1], t[2], a['checks']['min'], a['checks']['max']))
    if len(pol) != len(table) or set(pol) != set(table):
        probs.append('policy and desc tables list different parameters')
    check('params-policy-and-ranges', probs)

    # per-command request attributes and flags (kernel/core/genl.c)
    check('purpose-policy', purpose_policy(spec, core_c, defines))

    policies = {}
    for m in re.finditer(r'nla_policy\s+(\w+)\[[^\]]*\]\s*=\s*\{(.*?)\};', core_c, re.S):
        policies[m.group(1)] = dict(re.findall(r'\[(QLINK_A_\w+)\]\s*=\s*([^,{]+|\{[^}]*\})', m.group(2)))
    kops = {}
    for m in re.finditer(r'\{\s*(\.cmd\s*=.*?)\}', genl_c, re.S):
        fields = dict(re.findall(r'\.(\w+)\s*=\s*([^,]+),', m.group(1)))
        kops[fields['cmd'].strip()] = fields
    probs = []
    for o in ops:
        cn = c_name(spec['operations']['name-prefix'], o['name'])
        if 'do' not in o and 'dump' not in o:
            if cn in kops:
                probs.append('%s: notification has a handler' % cn)
            continue
        k = kops.get(cn)
        if not k:
            probs.append('%s: no kernel op' % cn)
            continue
        for mode, handler in (('do', 'doit'), ('dump', 'dumpit')):
            if (mode in o) != (handler in k):
                probs.append('%s: spec %s vs kernel .%s' % (cn, mode, handler))
        req = set()
        for mode in ('do', 'dump'):
            if mode in o:
                req |= {c_name('qlink-a-', a) for a in o[mode]['request']['attributes']}
        kpol = set(policies.get(k.get('policy', '').strip(), {}))
        if req != kpol:
            probs.append('%s: policy %s, spec %s' % (cn, sorted(kpol), sorted(req)))
        for a in req:
            t = yaml_type.get(a)
            p = policies[k['policy'].strip()][a]
            if t and nla[t] not in p and not (t == 'nest' and 'NESTED' in p):
                probs.append('%s: %s policy %s, spec %s' % (cn, a, p.strip(), t))
        admin = 'GENL_UNS_ADMIN_PERM' in k.get('flags', '')
        if admin != ('uns-admin-perm' in o.get('flags', [])):
            probs.append('%s: permission flags differ' % cn)
    check('operations', probs)

    print('TAP version 13')
    print('1..%d' % len(results))
    failed = 0
    for i, (name, probs) in enumerate(results, 1):
        for p in probs:
            print('# ' + p)
        print('%s %d spec-%s' % ('not ok' if probs else 'ok', i, name))
        failed += bool(probs)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
