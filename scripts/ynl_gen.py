#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What the kernel's YNL tooling does not do for a 6.1 out-of-tree family.

  ynl_gen.py validate YNL SPEC   check SPEC against the kernel's schema
  ynl_gen.py policy YNL SPEC [--exclude-op OP]...
                                 the kernel's request policies (ranges,
                                 nests, one per op) as a 6.1 kernel compiles
                                 them, printed by ynl-gen-c.py's own code
  ynl_gen.py attrs YNL SPEC      a C header of the attribute sets for
                                 userspace, read with ynl's nlspec.py

YNL is the directory holding tools/net/ynl and Documentation/netlink of a
6.12 kernel source; SPEC must sit in a tree ynl-gen-c.py accepts (see
scripts/ynl.sh). Output goes to stdout.
"""
import argparse
import importlib.util
import os
import re
import sys

SPEC_NAME = 'uapi/qlink.yaml'


def banner(how):
    return ['/* Do not edit directly, auto-generated from: */',
            f'/*\t{SPEC_NAME} */',
            f'/* by scripts/ynl_gen.py {how} */', '']


def load_gen(ynl):
    """ynl-gen-c.py as a module (its name is not an identifier)."""
    tools = os.path.join(ynl, 'tools/net/ynl')
    sys.path.insert(0, tools)
    spec = importlib.util.spec_from_file_location(
        'ynl_gen_c', os.path.join(tools, 'ynl-gen-c.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def validate(args):
    sys.path.insert(0, os.path.join(args.ynl, 'tools/net/ynl'))
    import yaml
    from lib import SpecFamily

    with open(args.spec) as f:
        proto = yaml.safe_load(f).get('protocol', 'genetlink')
    schema = os.path.join(args.ynl, 'Documentation/netlink', proto + '.yaml')
    try:
        SpecFamily(args.spec, schema)
    except Exception as e:	# jsonschema's or nlspec's own complaint
        msg = str(e).split('\n\nFailed validating')[0]
        sys.exit(f'{SPEC_NAME}: invalid against {proto}.yaml: {msg}')


def without_ops(path, names):
    """A copy of the spec at PATH without the ops NAMES, beside it (6.12's
    --exclude-op works for directional families only)."""
    import yaml

    if not names:
        return path
    with open(path) as f:
        text = f.read()
    y = yaml.safe_load(text)
    ops = y['operations']['list']
    missing = set(names) - {o['name'] for o in ops}
    if missing:
        sys.exit(f'no such op: {sorted(missing)}')
    y['operations']['list'] = [o for o in ops if o['name'] not in names]
    out = os.path.join(os.path.dirname(path), 'policy-' + os.path.basename(path))
    with open(out, 'w') as f:
        f.write(text.split('\n')[0] + '\n')	# the SPDX line
        yaml.safe_dump(y, f, sort_keys=False)
    return out


def policy(args):
    """Ranges, nested policies and per-op policies, as ynl-gen-c's kernel
    source has them; not its split ops table or family struct (6.2+)."""
    gen = load_gen(args.ynl)
    family = gen.Family(without_ops(args.spec, args.exclude_op), [])
    class CodeWriter61(gen.CodeWriter):
        def p(self, line, add_ind=0):
            # 6.1's nla_policy points at ranges without const (6.2 added it)
            line = line.replace('static const struct netlink_range_',
                                'static struct netlink_range_')
            # 6.12's generator gives signed ranges the unsigned macro
            line = line.replace('NLA_POLICY_FULL_RANGE(NLA_S',
                                'NLA_POLICY_FULL_RANGE_SIGNED(NLA_S')
            # and a binary's min-len an NLA_UNSPEC one, which strict
            # validation refuses as "Unsupported attribute"
            line = re.sub(r'= \{ \.len = (\w+), \}', r'= NLA_POLICY_MIN_LEN(\1)',
                          line)
            super().p(line, add_ind)

    cw = CodeWriter61(gen.BaseNlLib())
    cw.p(f'/* SPDX-License-Identifier: {family.license} */')
    for line in banner('policy' + ''.join(' --exclude-op ' + x
                                          for x in args.exclude_op)):
        cw.p(line) if line else cw.nl()
    cw.p('/*')
    cw.p(' * Request policies of the family for kernel/core/genl.c, which alone')
    cw.p(' * includes this file: a 6.1 genl_ops has one policy for do and dump.')
    cw.p(' */')
    guard = '_QLINK_GENL_POLICY_H'
    cw.p('#ifndef ' + guard)
    cw.p('#define ' + guard)
    cw.nl()
    cw.p('#include <net/netlink.h>')
    cw.p('#include <linux/qlink.h>')
    cw.nl()

    gen.print_kernel_policy_ranges(family, cw)
    nested = [s for _, s in sorted(family.pure_nested_structs.items())
              if s.request]
    if nested:
        cw.p('/* Common nested types */')
    for struct in nested:
        gen.print_req_policy_fwd(cw, struct)
        gen.print_req_policy(cw, struct)

    for _, op in family.ops.items():
        modes = [m for m in ('do', 'dump') if m in op and 'request' in op[m]]
        if not modes:
            continue
        if op.dual_policy:
            if op['do']['request'] != op['dump']['request']:
                sys.exit(f'{op.name}: do and dump requests differ; a 6.1 '
                         'genl_ops has one policy for both')
            op.dual_policy = False
        cw.p(f"/* {op.enum_name} - {' and '.join(modes)} */")
        ri = gen.RenderInfo(cw, family, 'kernel', op, modes[0])
        gen.print_req_policy(cw, ri.struct['request'], ri=ri)
    cw.p(f'#endif /* {guard} */')


TYPES = ['unused', 'pad', 'flag', 'u8', 'u16', 'u32', 'u64', 's32', 's64',
         'string', 'binary', 'nest']


def limit(family, attr, key, default):
    """A check's value as a number: an integer, a const or u32-max etc."""
    v = attr.yaml.get('checks', {}).get(key)
    if v is None:
        return default
    if isinstance(v, int):
        return v
    if v in family.consts:
        return family.consts[v]['value']
    m = re.fullmatch(r'([us])(8|16|32|64)-(min|max)', v)
    if not m:
        sys.exit(f'{attr.name}: unknown limit {v}')
    bits = int(m.group(2)) - (m.group(1) == 's')
    if m.group(3) == 'max':
        return (1 << bits) - 1
    return -(1 << bits) if m.group(1) == 's' else 0


def attrs(args):
    sys.path.insert(0, os.path.join(args.ynl, 'tools/net/ynl'))
    from lib import SpecFamily

    family = SpecFamily(args.spec, '')
    sets = [s for s in family.attr_sets.values() if not s.subset_of]
    ident = family.name.replace('-', '_')
    up = ident.upper()

    def c_name(name):
        return name.replace('-', '_')

    def enum_name(aset, attr):
        pfx = aset.yaml.get('name-prefix', f'{family.name}-a-{aset.name}-')
        return c_name(pfx + attr.name).upper()

    o = ['/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */']
    o += banner('attrs')
    o += ['/*',
          ' * The attribute sets of the "%s" family for userspace: per set, each' % family.name,
          ' * attribute\'s spec name, wire type, nested set and allowed range (the',
          ' * spec\'s checks, else the whole range of its type). Index a set\'s',
          ' * table with the attribute number.',
          ' */',
          f'#ifndef _{up}_ATTRS_H', f'#define _{up}_ATTRS_H', '',
          '#include <stdint.h>', f'#include <linux/{ident}.h>', '',
          f'enum {ident}_attr_type {{']
    o += [f'\t{up}_AT_{t.upper()},' for t in TYPES]
    o += ['};', '', '/* The attribute sets, indexes of ' + ident + '_attr_sets[]. */',
          f'enum {ident}_attr_set_id {{']
    o += [f'\t{up}_ASET_{c_name(s.name).upper()},' for s in sets]
    o += [f'\t{up}_ASET_COUNT', '};', '',
          '/**',
          f' * struct {ident}_attr_info - one attribute',
          ' * @name: its name in the spec; NULL for a number the set does not use',
          ' * @c_name: the same with \'_\' for \'-\', as C and JSON spell it',
          f' * @type: enum {ident}_attr_type',
          f' * @nest: enum {ident}_attr_set_id of a nest\'s attributes, else -1',
          ' * @max_len: longest string (without its NUL), 0: no limit',
          ' * @smin: smallest value of a signed integer',
          ' * @smax: largest value of a signed integer',
          ' * @umin: smallest value of an unsigned integer',
          ' * @umax: largest value of an unsigned integer',
          ' */',
          f'struct {ident}_attr_info {{',
          '\tconst char *name;', '\tconst char *c_name;', '\tuint8_t type;',
          '\tint8_t nest;',
          '\tuint16_t max_len;', '\tint64_t smin;', '\tint64_t smax;',
          '\tuint64_t umin;', '\tuint64_t umax;', '};', '']
    maxes = {}
    for s in sets:
        pfx = s.yaml.get('name-prefix', f'{family.name}-a-{s.name}-')
        mx = s.yaml.get('attr-max-name', c_name(pfx + 'max').upper())
        maxes[s.name] = mx
        o.append(f'static const struct {ident}_attr_info {ident}_attrs_{c_name(s.name)}[{mx} + 1] = {{')
        for a in s.attrs.values():
            t = a.type
            if t not in TYPES:
                sys.exit(f'{a.name}: type {t} not supported')
            nest = a.yaml.get('nested-attributes')
            f = [f'.name = "{a.name}"', f'.c_name = "{c_name(a.name)}"',
                 f'.type = {up}_AT_{t.upper()}',
                 '.nest = ' + (f'{up}_ASET_{c_name(nest).upper()}' if nest else '-1')]
            if t == 'string' and 'max-len' in a.yaml.get('checks', {}):
                f.append(f'.max_len = {limit(family, a, "max-len", 0)}')
            m = re.fullmatch(r'([us])(8|16|32|64)', t)
            if m:
                bits = int(m.group(2))
                if m.group(1) == 's':
                    lo = limit(family, a, 'min', -(1 << (bits - 1)))
                    hi = limit(family, a, 'max', (1 << (bits - 1)) - 1)
                    f += [f'.smin = {lo}LL' if lo != -(1 << 63) else '.smin = INT64_MIN',
                          f'.smax = {hi}LL']
                else:
                    lo = limit(family, a, 'min', 0)
                    hi = limit(family, a, 'max', (1 << bits) - 1)
                    f += [f'.umin = {lo}ULL', f'.umax = {hi}ULL']
            o.append(f'\t[{enum_name(s, a)}] = {{')
            o += ['\t\t' + x + ',' for x in f]
            o.append('\t},')
        o += ['};', '']
    o += [f'static const struct {ident}_attr_set {{',
          '\tconst char *name;',
          f'\tconst struct {ident}_attr_info *attrs;',
          '\tint max;',
          f'}} {ident}_attr_sets[{up}_ASET_COUNT] = {{']
    for s in sets:
        o.append(f'\t[{up}_ASET_{c_name(s.name).upper()}] = {{ "{s.name}", '
                 f'{ident}_attrs_{c_name(s.name)}, {maxes[s.name]} }},')
    o += ['};', '',
          '/* Bytes of an integer attribute on the wire, 0 for other types. */',
          f'static inline int {ident}_attr_width(const struct {ident}_attr_info *a)',
          '{',
          '\tswitch (a->type) {',
          f'\tcase {up}_AT_U8:', '\t\treturn 1;',
          f'\tcase {up}_AT_U16:', '\t\treturn 2;',
          f'\tcase {up}_AT_U32:', f'\tcase {up}_AT_S32:', '\t\treturn 4;',
          f'\tcase {up}_AT_U64:', f'\tcase {up}_AT_S64:', '\t\treturn 8;',
          '\t}', '\treturn 0;', '}', '',
          f'#endif /* _{up}_ATTRS_H */']
    print('\n'.join(o))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('what', choices=['validate', 'policy', 'attrs'])
    p.add_argument('ynl')
    p.add_argument('spec')
    p.add_argument('--exclude-op', action='append', default=[])
    args = p.parse_args()
    {'validate': validate, 'policy': policy, 'attrs': attrs}[args.what](args)


if __name__ == '__main__':
    main()
