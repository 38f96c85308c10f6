#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
`ip qlink` (the patched ip) and the standalone `qlink` tool, every command
through both front ends, in text and JSON (parsed, not string-matched);
the `ip link ... type qlinksim` plugin (loaded through IP_LIB_DIR from the
build tree) creating a link across two network namespaces, read back with
`ip -d -j link show` and `qlink -j link show`; the three groups of
settings `qlink link set` takes (configuration, calibration after "calib",
the simulator's physics and faults) and `-d` showing the physics; a link
of another kind (qlinktest) refusing physics but taking a calibration;
error paths (kernel ranges in command-line terms) and help texts;
pair events (`monitor pairs`); purposes (`purpose show/set`); AF_QLINK
requests between the two namespaces (`request` here, `receive` in the
peer's netns in the background) and a request nobody receives; the link
protocol's peer: `genkey`, `link set ... peer ADDR:PORT key FILE` and
`nopeer` (command-line and key-file errors without the kernel; the round
trip, fingerprint and counters with it, skipped while the kernel has no
link protocol). Prints TAP.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
IPQ = os.path.join(BUILD, "iproute2", "ip", "ip")       # patched ip
QLINK = os.path.join(BUILD, "tools", "qlink")
PLUGIN_DIR = os.path.join(BUILD, "iproute-plugin")
SYS_IP = "ip"                                            # Debian's ip
NS = "qlt_tool"
A, B = "qlt_ta", "qlt_tb"
ENV = dict(os.environ, IP_LIB_DIR=PLUGIN_DIR)

FRONTS = {"qlink": [QLINK], "ip-qlink": [IPQ, "qlink"]}

n = 0
failed = 0


def tap(ok, name, diag=None):
    global n, failed
    n += 1
    print(("ok %d %s" if ok else "not ok %d %s") % (n, name))
    if not ok:
        failed += 1
        if diag:
            for line in str(diag).rstrip().splitlines()[-15:]:
                print("#   " + line)
    sys.stdout.flush()
    return ok


def run(argv, ns=None, check=False):
    if ns:
        argv = [SYS_IP, "netns", "exec", ns] + argv
    p = subprocess.run(argv, env=ENV, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=60)
    if check and p.returncode:
        raise RuntimeError("%s: %d\n%s" % (" ".join(argv), p.returncode,
                                          p.stderr))
    return p


def front(name, opts, args):
    """argv for a command through one front end, global options first."""
    f = FRONTS[name]
    return [f[0]] + opts + f[1:] + args


def jrun(argv, ns=None):
    p = run(argv, ns)
    if p.returncode:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(argv), p.returncode,
                                               p.stderr))
    return json.loads(p.stdout)


def find_ko(rel):
    release = os.uname().release
    for d in (TOP, os.path.join(BUILD, "kmod-debug")):
        f = os.path.join(d, rel)
        if os.path.isfile(f):
            v = run(["modinfo", "-F", "vermagic", f]).stdout.split()
            if v and v[0] == release:
                return f
    return None


def skip(name, why):
    global n
    n += 1
    print("ok %d %s # SKIP %s" % (n, name, why))
    sys.stdout.flush()


def check(name, fn):
    """Run fn(); it passes if it returns truthy without raising."""
    try:
        r = fn()
        return tap(bool(r), name, None if r else "returned %r" % (r,))
    except Exception as e:  # noqa: BLE001 - report any failure as TAP
        return tap(False, name, repr(e))


def one_link(doc, ifname):
    links = [l for l in doc if l.get("ifname") == ifname]
    assert len(links) == 1, doc
    return links[0]


def cleanup():
    run([SYS_IP, "link", "del", A])
    run([SYS_IP, "netns", "del", NS])


def main():
    print("TAP version 13")
    for f in (IPQ, QLINK, os.path.join(PLUGIN_DIR, "link_qlinksim.so")):
        if not os.access(f, os.R_OK):
            print("# %s not built" % f)
            print("1..0 # SKIP tools not built")
            return 4
    cleanup()
    run([SYS_IP, "netns", "add", NS], check=True)

    # --- the plugin: create across two netns with settings -------------
    # "window" is a prefix of the configuration's "window-full".
    p = run([SYS_IP, "link", "add", A, "type", "qlinksim", "rate", "100k",
             "efficiency", "0.8", "length", "10km", "window", "1ns",
             "fidelity", "0.95", "coherence", "10ms", "offset", "-5ns",
             "peer", "name", B, "netns", NS, "dark-rate", "25Hz"])
    tap(p.returncode == 0, "plugin-create-across-netns", p.stderr)
    check("peer-in-other-netns",
          lambda: run([SYS_IP, "link", "show", B], ns=NS).returncode == 0
          and run([SYS_IP, "link", "show", B]).returncode != 0)

    want_phys = {"source_rate": 100000000, "det_eff_a": 800000,
                 "det_eff_b": 800000, "fiber_len_a": 10000,
                 "fiber_len_b": 10000, "fidelity": 950000,
                 "coherence": 10000000, "dark_rate": 25000,
                 "herald_model": 1, "coherence_scale": 1000000,
                 "direct": 0, "basis_z": 500000}
    want_config = {"window_full": 1000, "offset": -5000, "max_pairs": 1024,
                   "memory_slots": 0, "cutoff": 0, "min_fidelity": 0}
    # what qlinksim reports from its physics: 10 km at 0.2 dB/km per arm
    want_calib = {"fidelity": 950000, "coherence": 10000000,
                  "det_eff_a": 800000, "det_eff_b": 800000,
                  "dark_a": 25000, "dark_b": 25000, "loss_a": 2000,
                  "loss_b": 2000, "direct": 0}

    def sub(d, keys):
        return {k: d.get(k) for k in keys}

    def ip_json_roundtrip(ip):
        d = jrun([ip, "-d", "-j", "link", "show", A])
        li = d[0]["linkinfo"]
        assert li["info_kind"] == "qlinksim", li
        got = sub(li["info_data"], want_phys)
        assert got == want_phys, (got, want_phys)
        assert "window_full" not in li["info_data"], li
        return True
    check("plugin-print-json-system-ip", lambda: ip_json_roundtrip(SYS_IP))
    check("plugin-print-json-patched-ip", lambda: ip_json_roundtrip(IPQ))

    def ip_text():
        out = run([SYS_IP, "-d", "link", "show", A], check=True).stdout
        for s in ("qlinksim rate 100kHz efficiency 0.8 dark-rate 25Hz",
                  "length 10km loss 0.2dB/km",
                  "fidelity 0.95 coherence 10ms herald time-tags",
                  "direct off basis-z 0.5"):
            assert s in out, (s, out)
        assert "faults" not in out and "window" not in out, out
        return True
    check("plugin-print-text", ip_text)

    def peer_json():
        d = jrun([SYS_IP, "-d", "-j", "link", "show", B], ns=NS)
        return d[0]["linkinfo"]["info_data"]["fidelity"] == 950000
    check("plugin-physics-on-peer", peer_json)

    def plugin_config():
        l = jrun([QLINK, "-j", "link", "show", "dev", A])[0]
        assert l["config"] == want_config, l["config"]
        peer = jrun([QLINK, "-n", NS, "-j", "link", "show", "dev", B])[0]
        assert peer["config"] == want_config, peer["config"]
        return True
    check("plugin-config-at-creation", plugin_config)

    # --- show, both front ends, text and JSON -------------------------
    for fe in FRONTS:
        def show_json(fe=fe):
            l = one_link(jrun(front(fe, ["-j"], ["link", "show"])), A)
            assert l["kind"] == "qlinksim" and l["end"] == "A", l
            assert l["up"] is False and l["carrier"] is False, l
            assert isinstance(l["peer_ifindex"], int), l
            assert l["config"] == want_config, l["config"]
            c = l["calib"]
            assert sub(c, want_calib) == want_calib, c
            assert c["herald_rate"] > 0 and c["accidental_rate"] > 0, c
            assert 0 < c["exp_fidelity"] <= 950000 and "exp_qber" in c, c
            for k in ("stats", "physics", "caps"):
                assert k not in l, l
            return True
        check("%s-show-json" % fe, show_json)

        def show_dev_json(fe=fe):
            d = jrun(front(fe, ["-j", "-p"], ["link", "show", "dev", A]))
            return len(d) == 1 and d[0]["ifname"] == A
        check("%s-show-dev-json-pretty" % fe, show_dev_json)

        def show_text(fe=fe):
            out = run(front(fe, [], ["link", "show", "dev", A]),
                      check=True).stdout
            lines = [ln.rstrip() for ln in out.splitlines()]
            assert (": %s: <DOWN> qlinksim id " % A) in lines[0], out
            assert "end A peer" in lines[0], out
            assert lines[1] == ("    config window-full 1ns offset -5ns "
                                "max-pairs 1024 memory-slots all "
                                "cutoff none min-fidelity 0"), out
            assert lines[2].startswith(
                "    calib fidelity 0.95 coherence 10ms efficiency 0.8 "
                "dark-rate 25Hz loss 2dB herald-rate "), out
            assert lines[2].endswith(" direct off"), out
            assert lines[3].startswith("    expected fidelity 0."), out
            assert " qber 0." in lines[3], out
            assert "rate 100kHz" not in out and "faults" not in out, out
            return True
        check("%s-show-text" % fe, show_text)

        def show_prefix(fe=fe):
            a = run(front(fe, [], ["l", "sh", A]), check=True).stdout
            b = run(front(fe, [], ["link", "show", "dev", A]),
                    check=True).stdout
            return a == b
        check("%s-show-prefixes" % fe, show_prefix)

        def stats_json(fe=fe):
            l = one_link(jrun(front(fe, ["-s", "-j"], ["link", "show"])), A)
            st = l["stats"]
            for k in ("attempts", "heralds", "accidentals", "dropped",
                      "param_changes", "tx_dropped"):
                assert isinstance(st[k], int), st
            return True
        check("%s-stats-json" % fe, stats_json)

        def stats_text(fe=fe):
            out = run(front(fe, ["-s"], ["link", "show", "dev", A]),
                      check=True).stdout
            return "stats attempts " in out and "param-changes" in out
        check("%s-stats-text" % fe, stats_text)

        def details_json(fe=fe):
            l = jrun(front(fe, ["-d", "-j"], ["link", "show", "dev", A]))[0]
            ph, c = l["physics"], l["caps"]
            assert sub(ph, want_phys) == want_phys, ph
            assert ph["extra_loss"] == 0 and ph["offset_drift"] == 0, ph
            assert ph["seed"] > 0, ph
            assert c["herald_models"] == ["time-tags", "events"], c
            assert c["memory_slots"] >= 0 and c["max_rate"] > 0, c
            assert "z" in c["measure_bases"] and \
                "x" in c["measure_bases"], c
            assert "peer_netns_cookie" in l, l
            return True
        check("%s-details-json" % fe, details_json)

        def details_text(fe=fe):
            out = run(front(fe, ["-d"], ["link", "show", "dev", A]),
                      check=True).stdout
            for s in ("\n    qlinksim rate 100kHz efficiency 0.8 "
                      "dark-rate 25Hz jitter 50ps length 10km",
                      "\n    faults extra-loss 0dB ",
                      "caps herald-models time-tags,events",
                      " measure-bases z,x", "peer-netns-cookie"):
                assert s in out, (s, out)
            return True
        check("%s-details-text" % fe, details_text)

        def version(fe=fe):
            out = run(front(fe, [], ["version"]), check=True).stdout
            v = jrun(front(fe, ["-j"], ["version"]))
            return out.startswith("qlink genl-version 1 netns-cookie ") \
                and v["genl_version"] == 1 and v["netns_cookie"] > 0 \
                and v["libqlink_major"] == 1
        check("%s-version" % fe, version)

    # --- set, both front ends; units; mirrored to the peer ------------
    # Expected values per object of `-d -j link show`.
    cases = [
        (["fidelity", "0.9"],
         {"physics": {"fidelity": 900000}, "calib": {"fidelity": 900000}}),
        (["rate", "1.5M", "dark-rate", "20", "jitter", "75ps"],
         {"physics": {"source_rate": 1500000000, "dark_rate": 20000,
                      "jitter": 75},
          "calib": {"dark_a": 20000, "dark_b": 20000}}),
        # the offset follows the fibers: 5 ns per metre of difference
        (["length-a", "2.5km", "length-b", "700m", "loss", "0.25dB/km"],
         {"physics": {"fiber_len_a": 2500, "fiber_len_b": 700,
                      "fiber_loss": 250},
          "config": {"offset": -9000000}}),
        (["efficiency-a", "75%", "efficiency-b", "600000ppm"],
         {"physics": {"det_eff_a": 750000, "det_eff_b": 600000}}),
        (["coherence", "inf", "window", "1.5ns", "offset", "12ps"],
         {"physics": {"coherence": 0},
          "config": {"window_full": 1500, "offset": 12}}),
        (["herald", "events", "seed", "424242", "direct", "off",
          "basis-z", "0.25"],
         {"physics": {"herald_model": 2, "seed": 424242, "direct": 0,
                      "basis_z": 250000}}),
        (["extra-loss", "3dB", "fidelity-drop", "0.1", "coherence-scale",
          "50%", "dead-time", "50ns", "max-det-rate", "10M", "bit-flip",
          "1%", "offset-drift", "-10ps/s"],
         {"physics": {"extra_loss": 3000, "fidelity_drop": 100000,
                      "coherence_scale": 500000, "dead_time": 50,
                      "max_det_rate": 10000000000, "bit_flip": 10000,
                      "offset_drift": -10},
          "calib": {"fidelity": 800000}}),
        (["max-pairs", "2048", "memory-slots", "all", "cutoff", "50ms",
          "min-fidelity", "0.3"],
         {"config": {"max_pairs": 2048, "memory_slots": 0,
                     "cutoff": 50000000, "min_fidelity": 300000}}),
        (["calib", "fidelity", "0.93", "herald-rate", "1.5k",
          "accidental-rate", "2.5Hz", "loss-a", "3dB", "efficiency", "0.7",
          "coherence", "5ms", "dark-rate-b", "30Hz", "direct", "off"],
         {"calib": {"fidelity": 930000, "herald_rate": 1500000,
                    "accidental_rate": 2500, "loss_a": 3000,
                    "det_eff_a": 700000, "det_eff_b": 700000,
                    "coherence": 5000000, "dark_b": 30000, "direct": 0},
          "physics": {"fidelity": 900000, "coherence": 0}}),
        # all three groups at once: the calibration wins over the one the
        # new physics imply
        (["rate", "200k", "window-full", "2ns", "calib", "herald-rate",
          "777", "config", "cutoff", "none", "min-fidelity", "0"],
         {"physics": {"source_rate": 200000000},
          "config": {"window_full": 2000, "cutoff": 0, "min_fidelity": 0},
          "calib": {"herald_rate": 777000}}),
    ]
    for i, (args, exp) in enumerate(cases):
        fe = list(FRONTS)[i % 2]

        def set_case(fe=fe, args=args, exp=exp):
            p = run(front(fe, [], ["link", "set", "dev", A] + args))
            assert p.returncode == 0, p.stderr
            l = jrun(front(fe, ["-d", "-j"], ["link", "show", "dev", A]))[0]
            peer = jrun([QLINK, "-n", NS, "-d", "-j", "link", "show", "dev",
                         B])[0]
            for obj, want in exp.items():
                got = sub(l[obj], want)
                assert got == want, (obj, got, want)
                got = sub(peer[obj], want)
                assert got == want, ("peer", obj, got, want)
            return True
        check("%s-set-%s" % (fe, "-".join(args[:1] + args[1:2] * (
            args[0] == "calib"))), set_case)

    def text_roundtrip():
        # What show prints can be typed back: the physics (after their
        # "qlinksim" and "faults" titles) first, as in the set above.
        lines = run([QLINK, "-d", "link", "show", "dev", A],
                    check=True).stdout.splitlines()
        byword = {ln.split()[0]: ln.split() for ln in lines[1:]}
        words = byword["qlinksim"][1:] + byword["faults"][1:] + \
            byword["config"] + byword["calib"]
        before = jrun([QLINK, "-d", "-j", "link", "show", "dev", A])[0]
        p = run([QLINK, "link", "set", "dev", A] + words)
        assert p.returncode == 0, (words, p.stderr)
        after = jrun([QLINK, "-d", "-j", "link", "show", "dev", A])[0]
        for k in ("physics", "config", "calib"):
            assert before[k] == after[k], (k, before[k], after[k])
        return True
    check("text-output-parses-back", text_roundtrip)

    def text_faults_shown():
        out = run([QLINK, "-d", "link", "show", "dev", A],
                  check=True).stdout
        plain = run([QLINK, "link", "show", "dev", A], check=True).stdout
        return "faults extra-loss 3dB fidelity-drop 0.1" in out and \
            "offset-drift -10ps/s" in out and "coherence inf" in out and \
            "faults" not in plain
    check("text-faults-with-details", text_faults_shown)

    def plugin_set():
        p = run([SYS_IP, "link", "set", A, "type", "qlinksim", "fidelity",
                 "0.85", "length", "3km"])
        assert p.returncode == 0, p.stderr
        l = jrun([IPQ, "-d", "-j", "qlink", "link", "show", "dev", A])[0]
        ph = l["physics"]
        assert (ph["fidelity"], ph["fiber_len_a"], ph["fiber_len_b"]) == \
            (850000, 3000, 3000), ph
        assert l["config"]["offset"] == 0, l["config"]
        out = run([SYS_IP, "-d", "link", "show", A], check=True).stdout
        assert "fidelity 0.85" in out and "length 3km" in out, out
        assert "faults extra-loss 3dB" in out, out
        return True
    check("plugin-set-changelink", plugin_set)

    def plugin_set_config():
        p = run([SYS_IP, "link", "set", A, "type", "qlinksim",
                 "window-full", "2ns"])
        return p.returncode != 0 and "creation only" in p.stderr and \
            "qlink link set" in p.stderr
    check("plugin-set-config-refused", plugin_set_config)

    # --- errors -------------------------------------------------------
    for fe in FRONTS:
        def err_range(fe=fe):
            for args, attr, hint in (
                    (["calib", "fidelity", "1.5"], "QLINK_A_CALIB_FIDELITY",
                     'calib "fidelity": allowed 0.25 to 1'),
                    (["window-full", "0"], "QLINK_A_CONFIG_WINDOW_FULL",
                     'config "window-full": allowed 1ps to 10us'),
                    (["fidelity", "0.2"], "IFLA_QLINKSIM_FIDELITY",
                     'qlinksim "fidelity": allowed 0.25 to 1'),
                    (["offset-drift", "-2000us/s"],
                     "IFLA_QLINKSIM_OFFSET_DRIFT",
                     'qlinksim "offset-drift": allowed -1000us/s to '
                     '1000us/s')):
                p = run(front(fe, [], ["link", "set", "dev", A] + args))
                assert p.returncode == 2, (args, p.returncode, p.stderr)
                assert p.stderr.startswith("Error: " + attr), p.stderr
                assert "out of range" in p.stderr and hint in p.stderr, \
                    p.stderr
            l = jrun([QLINK, "-d", "-j", "link", "show", "dev", A])[0]
            assert l["physics"]["fidelity"] == 850000 and \
                l["config"]["window_full"] == 2000, l
            return True
        check("%s-error-range-extack" % fe, err_range)

        def err_syntax(fe=fe):
            p = run(front(fe, [], ["link", "set", "dev", A, "length",
                                   "3parsecs"]))
            q = run(front(fe, [], ["link", "set", "dev", A, "calib",
                                   "direct", "maybe"]))
            return p.returncode == 255 and p.stderr.startswith(
                'Error: argument "3parsecs" is wrong: length') and \
                q.returncode == 255 and "on" in q.stderr
        check("%s-error-bad-unit" % fe, err_syntax)

        def err_nodev(fe=fe):
            p = run(front(fe, [], ["link", "show", "dev", "qlt_nosuch"]))
            q = run(front(fe, [], ["link", "set", "dev", "qlt_nosuch",
                                   "rate", "1k"]))
            return p.returncode == 2 and "no such device" in p.stderr and \
                q.returncode == 2 and "no such device" in q.stderr
        check("%s-error-no-device" % fe, err_nodev)

        def err_notqlink(fe=fe):
            p = run(front(fe, [], ["link", "set", "dev", "lo", "seed", "1"]))
            q = run(front(fe, [], ["link", "set", "dev", "lo", "cutoff",
                                   "1s"]))
            return p.returncode == 2 and "not a qlink" in p.stderr and \
                q.returncode == 2 and "not a qlink" in q.stderr
        check("%s-error-not-a-qlink" % fe, err_notqlink)

        def err_unknown(fe=fe):
            p1 = run(front(fe, [], ["link", "set", "dev", A, "colour", "1"]))
            p2 = run(front(fe, [], ["link", "frobnicate"]))
            p3 = run(front(fe, [], ["frobnicate"]))
            p4 = run(front(fe, [], ["link", "set", "dev", A]))
            p5 = run(front(fe, [], ["link", "set", "dev", A, "calib",
                                    "jitter-a", "1"]))
            return all(p.returncode != 0 and p.stderr for p in
                       (p1, p2, p3, p4, p5))
        check("%s-error-unknown-words" % fe, err_unknown)

        def err_busy(fe=fe):
            run([SYS_IP, "link", "set", A, "up"], check=True)
            try:
                p = run(front(fe, [], ["link", "set", "dev", A, "herald",
                                       "time-tags"]))
                return p.returncode == 2 and "cannot change while up" in \
                    p.stderr and "IFLA_QLINKSIM_HERALD_MODEL" in p.stderr
            finally:
                run([SYS_IP, "link", "set", A, "down"], check=True)
        check("%s-error-busy" % fe, err_busy)

        def err_second_part(fe=fe):
            # physics go first; the calibration then fails its range
            p = run(front(fe, [], ["link", "set", "dev", A, "jitter", "60ps",
                                   "calib", "fidelity", "0.1"]))
            assert p.returncode == 2, p
            assert "QLINK_A_CALIB_FIDELITY" in p.stderr and \
                "physics were changed" in p.stderr, p.stderr
            l = jrun([QLINK, "-d", "-j", "link", "show", "dev", A])[0]
            return l["physics"]["jitter"] == 60
        check("%s-error-second-part" % fe, err_second_part)

        def helps(fe=fe):
            for args in (["help"], ["link", "help"], ["link", "set", "help"],
                         ["link", "show", "help"], ["monitor", "help"],
                         ["version", "help"], ["pair", "help"],
                         ["pair", "show", "help"], ["purpose", "help"],
                         ["purpose", "show", "help"],
                         ["purpose", "set", "help"], ["request", "help"],
                         ["receive", "help"], ["genkey", "help"]):
                p = run(front(fe, [], args))
                assert p.returncode == 0 and "Usage:" in p.stdout, \
                    (args, p.returncode, p.stdout, p.stderr)
            return True
        check("%s-help-every-level" % fe, helps)

    def plugin_errors():
        p = run([SYS_IP, "link", "add", "qlt_tx", "type", "qlinksim",
                 "fidelity", "2"])
        assert p.returncode != 0 and "out of range" in p.stderr, p.stderr
        p = run([SYS_IP, "link", "add", "qlt_tx", "type", "qlinksim",
                 "max-pairs", "0"])
        assert p.returncode != 0 and "out of range" in p.stderr, p.stderr
        p = run([SYS_IP, "link", "add", "qlt_tx", "type", "qlinksim",
                 "length", "3parsecs"])
        assert p.returncode == 255 and "is wrong: length" in p.stderr, \
            p.stderr
        p = run([SYS_IP, "link", "add", "qlt_tx", "type", "qlinksim",
                 "sparkle", "1"])
        assert p.returncode != 0 and "unknown option" in p.stderr, p.stderr
        assert run([SYS_IP, "link", "show", "qlt_tx"]).returncode != 0
        return True
    check("plugin-errors", plugin_errors)

    def plugin_help():
        p = run([SYS_IP, "link", "help", "qlinksim"])
        q = run([SYS_IP, "link", "add", "x", "type", "qlinksim", "help"])
        return p.returncode == 0 and "type qlinksim" in p.stdout and \
            "efficiency" in p.stdout and "window-full" in p.stdout and \
            q.returncode == 0
    check("plugin-help", plugin_help)

    # --- a link of another kind: calibration yes, physics no ------------
    def other_kind():
        ko = find_ko("kernel/drivers/qlinktest.ko")
        if not ko:
            print("# qlinktest.ko not built for this kernel: skipped")
            return True
        run(["insmod", ko], check=True)
        try:
            with open("/sys/kernel/debug/qlinktest/create", "w") as f:
                f.write("1")
            dev = "qltest0"
            for fe in FRONTS:
                p = run(front(fe, [], ["link", "set", "dev", dev,
                                       "fidelity", "0.9"]))
                assert p.returncode == 1, (p.returncode, p.stderr)
                assert ('"fidelity" sets the physics of a qlinksim link, '
                        'and %s is not one' % dev) in p.stderr, p.stderr
                assert '"calib"' in p.stderr, p.stderr
                p = run(front(fe, [], ["link", "set", "dev", dev, "rate",
                                       "1k", "calib", "fidelity", "0.9"]))
                assert p.returncode == 1 and "physics" in p.stderr, p.stderr
            # nothing was sent: the calibration is the driver's default
            l = jrun([QLINK, "-j", "link", "show", "dev", dev])[0]
            assert l["calib"]["fidelity"] == 1000000, l
            p = run([QLINK, "link", "set", "dev", dev, "calib", "fidelity",
                     "0.9", "herald-rate", "10", "window-full", "2ns"])
            assert p.returncode == 0, p.stderr
            l = jrun([QLINK, "-d", "-j", "link", "show", "dev", dev])[0]
            assert l["calib"]["fidelity"] == 900000, l
            assert l["calib"]["herald_rate"] == 10000, l
            assert l["config"]["window_full"] == 2000, l
            assert "physics" not in l and "kind" not in l, l
            out = run([QLINK, "-d", "link", "show", "dev", dev],
                      check=True).stdout
            assert "calib fidelity 0.9 " in out and "qlinksim" not in out, \
                out
            return True
        finally:
            run(["rmmod", "qlinktest"])
    check("other-kind-calib-not-physics", other_kind)

    def standalone_opts():
        p = run([QLINK, "-V"])
        q = run([QLINK, "-h"])
        r = run([QLINK, "-frob", "link"])
        s = run([QLINK])
        return p.returncode == 0 and "qlink utility" in p.stdout and \
            q.returncode == 0 and r.returncode == 255 and s.returncode == 255
    check("qlink-global-options", standalone_opts)

    # --- pairs --------------------------------------------------------
    run([SYS_IP, "link", "set", A, "up"], check=True)
    run([SYS_IP, "link", "set", B, "up"], ns=NS, check=True)
    time.sleep(1)
    for fe in FRONTS:
        def pairs(fe=fe):
            p = run(front(fe, ["-j"], ["pair", "show", "dev", A]))
            if p.returncode == 2 and "not supported" in p.stderr:
                print("# %s: kernel has no PAIR_GET yet" % fe)
                return True
            assert p.returncode == 0, p.stderr
            d = json.loads(p.stdout)
            assert isinstance(d, list), d
            for pr in d:
                assert pr["state"] in ("ready", "promised"), pr
                assert 250000 <= pr["fidelity"] <= 1000000, pr
                assert pr["bell"] in ("phi+", "phi-", "psi+", "psi-"), pr
            t = run(front(fe, [], ["pair", "show", "dev", A]))
            assert t.returncode == 0, t.stderr
            lines = t.stdout.splitlines()
            assert all(l.startswith("seq ") for l in lines), t.stdout
            print("# %s: %d pairs" % (fe, len(d)))
            return True
        check("%s-pair-show" % fe, pairs)

        def pairs_err(fe=fe):
            p = run(front(fe, [], ["pair", "show"]))
            q = run(front(fe, [], ["pair", "show", "dev", "qlt_nosuch"]))
            return p.returncode == 255 and "required" in p.stderr and \
                q.returncode == 2 and q.stderr.startswith("Error: ")
        check("%s-pair-errors" % fe, pairs_err)
    run([SYS_IP, "link", "set", A, "down"], check=True)
    run([SYS_IP, "link", "set", B, "down"], ns=NS, check=True)

    # --- monitor ------------------------------------------------------
    for fe in FRONTS:
        for js in (False, True):
            def monitor(fe=fe, js=js):
                opts = ["-j"] if js else []
                m = subprocess.Popen(front(fe, opts, ["monitor", "count",
                                                      "1"]),
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     universal_newlines=True)
                # Until the monitor has subscribed, changes go unseen:
                # keep changing until it reports one.
                for i in range(100):
                    run([QLINK, "link", "set", "dev", A, "cutoff",
                         "%dms" % (1000 + i)], check=True)
                    if m.poll() is not None:
                        break
                    time.sleep(0.2)
                else:
                    m.kill()
                out, err = m.communicate(timeout=10)
                assert m.returncode == 0, (m.returncode, err)
                if js:
                    ev = json.loads(out.splitlines()[0])
                    assert ev["event"] == "change", ev
                    # a configuration change, and the calibration the
                    # simulator reports for it
                    assert ev["change"] in ("config", "calib"), ev
                    assert ev["ifname"] == A, ev
                    assert "cutoff" in ev["config"], ev
                    assert "herald_rate" in ev["calib"], ev
                else:
                    assert out.startswith("[change] "), out
                    assert (" %s: <DOWN> qlinksim" % A) in out, out
                    assert "change config" in out or \
                        "change calib" in out, out
                    assert "\n    config window-full " in out, out
                return True
            check("%s-monitor-%s" % (fe, "json" if js else "text"), monitor)

    def monitor_create_delete():
        m = subprocess.Popen([QLINK, "-j", "monitor", "count", "3"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        time.sleep(1.5)
        run([SYS_IP, "link", "add", "qlt_tm", "type", "qlinksim"],
            check=True)
        run([SYS_IP, "link", "del", "qlt_tm"], check=True)
        out, err = m.communicate(timeout=30)
        evs = [json.loads(line) for line in out.splitlines()]
        kinds = sorted(set(e["event"] for e in evs))
        return m.returncode == 0 and kinds == ["create", "delete"]
    check("monitor-create-delete", monitor_create_delete)

    # --- pair events ---------------------------------------------------
    run([SYS_IP, "link", "set", A, "up"], check=True)
    run([SYS_IP, "link", "set", B, "up"], ns=NS, check=True)
    for fe in FRONTS:
        def monitor_pairs(fe=fe):
            p = run(front(fe, ["-j"], ["monitor", "pairs", "count", "3"]))
            assert p.returncode == 0, p.stderr
            evs = [json.loads(line) for line in p.stdout.splitlines()]
            assert len(evs) == 3, evs
            for ev in evs:
                assert ev["event"] in ("pairs", "drop"), ev
                assert ev["seq_first"] <= ev["seq_last"], ev
                assert ev["count"] >= 1, ev
                if ev["event"] == "pairs":
                    assert 1 <= len(ev["pairs"]) <= min(8, ev["count"]), ev
                    for pr in ev["pairs"]:
                        assert ev["seq_first"] <= pr["seq"] <= ev["seq_last"]
                else:
                    assert ev["reason"] in ("expired", "full", "slots",
                                            "low-fidelity", "flush",
                                            "peer"), ev
            t = run(front(fe, [], ["monitor", "all", "count", "2"]))
            assert t.returncode == 0, t.stderr
            for line in t.stdout.splitlines():
                assert line.startswith(("[pairs] ", "[drop] ")), t.stdout
                assert " seq " in line and " count " in line, line
            return True
        check("%s-monitor-pairs" % fe, monitor_pairs)

    # --- command-line errors of the new objects (no kernel needed) ------
    for fe in FRONTS:
        def new_syntax(fe=fe):
            for args, word in (
                    (["request", "dev", A], "purpose"),
                    (["request", "purpose", "3"], "dev"),
                    (["request", "dev", A, "purpose", "0"], "0"),
                    (["request", "dev", A, "purpose", "3", "type", "swap"],
                     "swap"),
                    (["request", "dev", A, "purpose", "3", "min-fidelity",
                      "high"], "high"),
                    (["receive", "dev", A], "purpose"),
                    (["purpose", "set", "dev", A, "id", "3"], "nothing"),
                    (["purpose", "set", "dev", A, "weight", "3"], "id"),
                    (["purpose", "set", "dev", A, "id", "3", "weight",
                      "heavy"], "heavy"),
                    (["purpose", "frob"], "frob")):
                p = run(front(fe, [], args))
                assert p.returncode == 255 and word in p.stderr, \
                    (args, p.returncode, p.stderr)
            return True
        check("%s-request-purpose-syntax" % fe, new_syntax)

    # --- purposes (kernel QLINK_CMD_PURPOSE_*) ----------------------------
    for i, fe in enumerate(FRONTS):
        pid = str(20 + i)

        def purpose_set_show(fe=fe, pid=pid):
            p = run(front(fe, [], ["purpose", "set", "dev", A, "id", pid,
                                   "weight", "3", "rate", "10", "max-out",
                                   "4", "reserve", "2", "reserve-fidelity",
                                   "0.9"]))
            assert p.returncode == 0, p.stderr
            # either end answers for both: read it back from B's netns
            d = jrun([QLINK, "-n", NS, "-j", "purpose", "show", "dev", B,
                      "id", pid])
            assert len(d) == 1, d
            got = d[0]
            want = {"id": int(pid), "ifname": B, "weight": 3, "rate": 10000,
                    "max_outstanding": 4, "reserve": 2,
                    "reserve_fidelity": 900000}
            assert {k: got.get(k) for k in want} == want, got
            for k in ("requests", "req_succeeded", "req_failed", "delivered",
                      "outstanding", "reserved", "receivers"):
                assert isinstance(got[k], int), (k, got)
            dump = jrun(front(fe, ["-j"], ["purpose", "show", "dev", A]))
            assert [x for x in dump if x["id"] == int(pid)], dump
            t = run(front(fe, [], ["purpose", "show", "dev", A, "id", pid]),
                    check=True).stdout
            first = t.splitlines()[0]
            assert first.startswith("%s purpose %s: weight 3 rate 10Hz "
                                    "max-outstanding 4 reserve 2 "
                                    "reserve-fidelity 0.9" % (A, pid)), t
            assert "requests " in t and "receivers " in t, t
            # the text parses back
            words = first.split(":", 1)[1].split()
            p = run(front(fe, [], ["purpose", "set", "dev", A, "id", pid] +
                          words))
            assert p.returncode == 0, (words, p.stderr)
            return True
        check("%s-purpose-set-show" % fe, purpose_set_show)

        def purpose_errors(fe=fe, pid=pid):
            p = run(front(fe, [], ["purpose", "set", "dev", A, "id", pid,
                                   "weight", "0"]))
            assert p.returncode == 2, (p.returncode, p.stderr)
            assert p.stderr.startswith("Error: ") and \
                "QLINK_A_PURPOSE_WEIGHT" in p.stderr and \
                'setting "weight"' in p.stderr, p.stderr
            p = run(front(fe, [], ["purpose", "set", "dev", A, "id", pid,
                                   "reserve", "5000"]))
            assert p.returncode == 2 and 'setting "reserve"' in p.stderr, \
                p.stderr
            d = jrun(front(fe, ["-j"], ["purpose", "show", "dev", A, "id",
                                        pid]))
            assert d[0]["weight"] == 3 and d[0]["reserve"] == 2, d
            p = run(front(fe, [], ["purpose", "show", "dev", A, "id",
                                   "4242"]))
            assert p.returncode == 2 and p.stderr.startswith("Error: "), \
                p.stderr
            p = run(front(fe, [], ["purpose", "show", "dev", "qlt_nosuch"]))
            assert p.returncode == 2 and \
                "no such device" in p.stderr.lower(), p.stderr
            return True
        check("%s-purpose-errors" % fe, purpose_errors)

    # --- requests across the two netns ----------------------------------
    def wait_receivers(pid, want=1):
        for _ in range(100):
            p = run([QLINK, "-j", "purpose", "show", "dev", A, "id", pid])
            if p.returncode == 0 and \
                    json.loads(p.stdout)[0].get("receivers", 0) >= want:
                return True
            time.sleep(0.1)
        return False

    for i, fe in enumerate(FRONTS):
        pid = str(30 + i)

        def request_receive(fe=fe, pid=pid):
            # Configured, the purpose (and its counters) outlives the
            # sockets; unconfigured it is listed only while bound.
            run(front(fe, [], ["purpose", "set", "dev", A, "id", pid,
                               "weight", "1"]), check=True)
            rx = subprocess.Popen(
                [SYS_IP, "netns", "exec", NS, QLINK, "-j", "receive", "dev",
                 B, "purpose", pid, "count", "3", "timeout", "30s"],
                env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                universal_newlines=True)
            try:
                if not wait_receivers(pid):
                    rx.kill()
                    out, err = rx.communicate(timeout=10)
                    raise AssertionError("receiver never registered: "
                                         "exit %s, %r, purposes %r" % (
                                             rx.returncode, err, run(
                                                 [QLINK, "-j", "purpose",
                                                  "show", "dev", A]).stdout))
                p = run(front(fe, ["-j"], ["request", "dev", A, "purpose",
                                           pid, "number", "3", "type",
                                           "measure", "basis", "x",
                                           "priority", "interactive",
                                           "create-id", "4711", "timeout",
                                           "20s"]))
                assert p.returncode == 0, (p.returncode, p.stderr)
                mine = json.loads(p.stdout)
                out, err = rx.communicate(timeout=40)
                assert rx.returncode == 0, (rx.returncode, err)
                theirs = json.loads(out)
            finally:
                if rx.poll() is None:
                    rx.kill()
            assert len(mine) == 3 and len(theirs) == 3, (mine, theirs)
            for k, (a, b) in enumerate(zip(mine, theirs)):
                assert a["kind"] == "ok" and b["kind"] == "ok", (a, b)
                assert a["role"] == "creator" and b["role"] == "receiver"
                assert a["create_id"] == b["create_id"] == 4711, (a, b)
                assert a["index"] == b["index"] == k, (a, b)
                assert a["type"] == "measure" and a["purpose"] == int(pid)
                assert (a["seq"], a["pair_link_id"]) == \
                    (b["seq"], b["pair_link_id"]), (a, b)
                assert a["basis"] == "x" and a["outcome"] in (0, 1), a
                assert 250000 <= a["fidelity"] <= 1000000, a
                assert a["last"] == (k == 2) and b["last"] == (k == 2)
            t = run(front(fe, ["-s", "-j"], ["link", "show", "dev", A]))
            st = json.loads(t.stdout)[0]["stats"]
            assert st["requests"] >= 1 and st["delivered"] >= 3, st
            d = jrun(front(fe, ["-j"], ["purpose", "show", "dev", A, "id",
                                        pid]))[0]
            assert d["requests"] == 1 and d["req_succeeded"] == 1 and \
                d["delivered"] == 3, d
            return True
        check("%s-request-receive-across-netns" % fe, request_receive)

        def request_rejected(fe=fe, pid=str(40 + i)):
            p = run(front(fe, ["-j"], ["request", "dev", A, "purpose", pid,
                                       "create-id", "9"]))
            assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
            recs = json.loads(p.stdout)
            assert len(recs) == 1, recs
            r = recs[0]
            assert r["kind"] == "err" and r["error"] == "REJECTED", r
            assert r["create_id"] == 9 and r["last"] is True, r
            t = run(front(fe, [], ["request", "dev", A, "purpose", pid]))
            assert t.returncode == 1, t
            assert t.stdout.startswith("err REJECTED create-id 1 "), t.stdout
            assert t.stdout.rstrip().endswith(" last"), t.stdout
            return True
        check("%s-request-rejected" % fe, request_rejected)

    def request_no_device():
        p = run([QLINK, "request", "dev", "qlt_nosuch", "purpose", "1"])
        return p.returncode == 2 and "no such device" in p.stderr
    check("request-no-device", request_no_device)

    run([SYS_IP, "link", "set", A, "down"], check=True)
    run([SYS_IP, "link", "set", B, "down"], ns=NS, check=True)

    keydir = tempfile.mkdtemp(prefix="qlt_key")
    try:
        peer_tests(keydir)
    finally:
        shutil.rmtree(keydir)

    cleanup()
    print("1..%d" % n)
    return 1 if failed else 0


def key_file(path, data, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


# What a kernel without the link protocol answers "nopeer" with: its
# link-set knows no QLINK_A_LINK_PEER, or has a policy but no handler.
NO_PROTOCOL = ("QLINK_A_LINK_CONFIG or QLINK_A_LINK_CALIB required",
               "Unknown attribute type")


def peer_tests(d):
    """
    The link protocol's peer: the command line on link A; the round trip
    on a link of qlinktest, whose other end is not in this kernel, as a
    hardware driver's (A's is: the kernel refuses it a peer).
    """
    key = bytes(range(1, 33))
    # Documentation/qlink-protocol.rst: SHA-256("qlink key" || key)[0:8]
    fp = hashlib.sha256(b"qlink key" + key).digest()[:8].hex()
    # hex with whitespace inside, and the same key as raw bytes
    khex = key_file(os.path.join(d, "hex.key"),
                    (key.hex()[:40] + "\n  " + key.hex()[40:] + "\n").encode())
    kraw = key_file(os.path.join(d, "raw.key"), key)
    kwide = key_file(os.path.join(d, "wide.key"), key, 0o644)
    bad_keys = {
        "short": (key[:31], "31 bytes"),
        "long": (key + b"\x01", "33 bytes"),
        "short-hex": (key.hex()[:62].encode() + b"\n", "62 hex digits"),
        "base64": (b"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n",
                   "45 bytes"),
        "empty": (b"", "0 bytes"),
    }
    bad_files = {k: key_file(os.path.join(d, k + ".key"), v[0])
                 for k, v in bad_keys.items()}
    dst = "192.0.2.1:4747"

    # --- without the kernel: genkey, command line, key files ----------
    for fe in FRONTS:
        def genkey(fe=fe):
            a = run(front(fe, [], ["genkey"]), check=True).stdout
            b = run(front(fe, [], ["genkey"]), check=True).stdout
            assert re.fullmatch(r"[0-9a-f]{64}\n", a), a
            assert re.fullmatch(r"[0-9a-f]{64}\n", b) and a != b, (a, b)
            p = run(front(fe, [], ["genkey", "extra"]))
            assert p.returncode == 255, p
            # written to a world-readable file: a warning; the key parses
            out = os.path.join(d, "gen-%s.key" % fe)
            with open(key_file(out, b"", 0o644), "w") as f:
                g = subprocess.run(front(fe, [], ["genkey"]), stdout=f,
                                   stderr=subprocess.PIPE,
                                   universal_newlines=True)
            assert g.returncode == 0 and "Warning" in g.stderr, g
            os.chmod(out, 0o600)
            p = run(front(fe, [], ["link", "set", "dev", A, "peer", dst,
                                   "key", out, "role", "boss"]))
            assert p.returncode == 255 and '"boss"' in p.stderr and \
                "key file" not in p.stderr, p.stderr
            return True
        check("%s-genkey" % fe, genkey)

        def peer_syntax(fe=fe):
            for args, want in (
                    (["peer"], "not complete"),
                    (["peer", "192.0.2.1", "key", khex],
                     "the port is required"),
                    (["peer", "192.0.2.1:0", "key", khex], "1 to 65535"),
                    (["peer", "192.0.2.1:65536", "key", khex], "1 to 65535"),
                    (["peer", "qlink.example:4747", "key", khex],
                     "numeric IPv4"),
                    (["peer", "2001:db8::1:4747", "key", khex],
                     "[ADDR]:PORT"),
                    (["peer", "[2001:db8::1]", "key", khex], "[ADDR]:PORT"),
                    (["peer", "[2001:db8::g]:4747", "key", khex],
                     "numeric IPv6"),
                    (["peer", dst], '"key" is required'),
                    (["peer", dst, "key"], "not complete"),
                    (["peer", dst, "key", os.path.join(d, "nosuch")],
                     "No such file"),
                    (["peer", dst, "key", khex, "role", "boss"],
                     '"decide" or "follow"'),
                    (["peer", dst, "key", khex, "role", "dec"],
                     '"decide" or "follow"'),
                    (["peer", dst, "key", khex, "timeout", "3x"], "timeout"),
                    (["peer", dst, "key", khex, "keepalive", "0"],
                     "keepalive"),
                    (["peer", dst, "key", khex, "local-port", "0"],
                     "1 to 65535"),
                    (["peer", dst, "key", khex, "key", kraw], "duplicate"),
                    (["peer", dst, "key", khex, "netns", "qlt_nosuchns"],
                     "network namespace"),
                    (["peer", dst, "key", khex, "nopeer"], "exclude"),
                    (["nopeer", "peer", dst, "key", khex], "exclude"),
                    (["peer", dst, "key", khex, "local", "5"],
                     "unknown setting"),
                    (["pe", dst, "key", khex], "unknown setting")):
                p = run(front(fe, [], ["link", "set", "dev", A] + args))
                assert p.returncode == 255 and want in p.stderr, \
                    (args, p.returncode, p.stderr)
            for name, (_, want) in bad_keys.items():
                p = run(front(fe, [], ["link", "set", "dev", A, "peer", dst,
                                       "key", bad_files[name]]))
                assert p.returncode == 255, (name, p)
                assert p.stderr.startswith('Error: key file "%s": %s' % (
                    bad_files[name], want)), (name, p.stderr)
            p = run(front(fe, [], ["link", "set", "dev", A, "peer", dst,
                                   "key", kwide, "role", "boss"]))
            assert p.returncode == 255 and p.stderr.startswith(
                'Warning: key file "%s" is readable by group or others'
                % kwide), p.stderr
            return True
        check("%s-peer-syntax" % fe, peer_syntax)

        def peer_help(fe=fe):
            p = run(front(fe, [], ["link", "set", "help"]))
            q = run(front(fe, [], ["help"]))
            for out in (p.stdout, q.stdout):
                assert "peer ADDR:PORT key FILE [ PEER-OPTIONS ]" in out and \
                    "nopeer" in out, out
            assert "role { decide | follow }" in p.stdout and \
                "genkey" in q.stdout, (p.stdout, q.stdout)
            return True
        check("%s-peer-help" % fe, peer_help)

    # --- with the kernel ------------------------------------------------
    p = run([QLINK, "link", "set", "dev", A, "nopeer"])
    if p.returncode == 2 and any(m in p.stderr for m in NO_PROTOCOL):
        skip("peer-kernel-round-trip", "the kernel has no link protocol")
        return
    for fe in FRONTS:
        def paired(fe=fe):
            q = run(front(fe, [], ["link", "set", "dev", A, "peer", dst,
                                   "key", khex, "role", "decide"]))
            return p.returncode == 2 and q.returncode == 2 and \
                "needs no peer" in p.stderr and "needs no peer" in q.stderr
        check("%s-peer-refused-both-ends-here" % fe, paired)

    ko = find_ko("kernel/drivers/qlinktest.ko")
    if not ko:
        skip("peer-kernel-round-trip", "qlinktest.ko not built for this "
             "kernel")
        return
    run(["insmod", ko], check=True)
    try:
        with open("/sys/kernel/debug/qlinktest/create", "w") as f:
            f.write("2")
        devs = sorted(l["ifname"] for l in jrun([QLINK, "-j", "link", "show"])
                      if l["ifname"].startswith("qltest"))
        peer_round_trip(devs[0], key, fp, khex, kraw, dst)
        peer_two_ends(devs, fp, khex)
    finally:
        run([SYS_IP, "link", "del", "qlt_v0"])
        run(["rmmod", "qlinktest"])


def peer_two_ends(devs, fp, khex):
    """
    Two link ends in two netns, joined by a veth pair only: the protocol
    comes up, and each end shows the other's epoch and what it measured.
    """
    a, b = devs
    run([SYS_IP, "link", "add", "qlt_v0", "type", "veth", "peer", "name",
         "qlt_v1", "netns", NS], check=True)
    run([SYS_IP, "addr", "add", "198.51.100.1/24", "dev", "qlt_v0"],
        check=True)
    run([SYS_IP, "link", "set", "qlt_v0", "up"], check=True)
    run([SYS_IP, "link", "set", b, "netns", NS], check=True)
    run([SYS_IP, "addr", "add", "198.51.100.2/24", "dev", "qlt_v1"], ns=NS,
        check=True)
    run([SYS_IP, "link", "set", "qlt_v1", "up"], ns=NS, check=True)

    def up():
        p = run([QLINK, "link", "set", "dev", a, "peer", "198.51.100.2:4748",
                 "key", khex, "role", "decide"])
        q = run([IPQ, "-n", NS, "qlink", "link", "set", "dev", b, "peer",
                 "198.51.100.1:4748", "key", khex, "role", "follow"])
        assert p.returncode == 0 and q.returncode == 0, (p.stderr, q.stderr)
        run([SYS_IP, "link", "set", a, "up"], check=True)
        run([SYS_IP, "link", "set", b, "up"], ns=NS, check=True)
        try:
            for _ in range(100):
                la = jrun([QLINK, "-j", "link", "show", "dev", a])[0]
                lb = jrun([QLINK, "-n", NS, "-j", "link", "show", "dev",
                           b])[0]
                if la["peer"]["state"] == lb["peer"]["state"] == "up":
                    break
                time.sleep(0.2)
            pa, pb = la["peer"], lb["peer"]
            assert pa["state"] == pb["state"] == "up", (pa, pb)
            assert la["carrier"] and lb["carrier"], (la, lb)
            assert pa["fingerprint"] == pb["fingerprint"] == fp, (pa, pb)
            assert pa["peer_epoch"] == pb["epoch"] and \
                pb["peer_epoch"] == pa["epoch"], (pa, pb)
            for pe in (pa, pb):
                assert pe["rtt"] > 0 and pe["clock_offset_error"] > 0, pe
            out = run([QLINK, "-d", "link", "show", "dev", a],
                      check=True).stdout
            lines = out.splitlines()
            i = [k for k, ln in enumerate(lines)
                 if ln.startswith("    peer ")][0]
            assert lines[i].startswith("    peer 198.51.100.2:4748 "
                                       "local-port 4748 role decide state "
                                       "up fingerprint %s" % fp), out
            assert re.fullmatch(r"    epoch \d+ peer-epoch \d+ rtt \S+ "
                                r"clock-offset -?\S+ \+- \S+", lines[i + 1]), \
                out
            st = jrun([QLINK, "-s", "-j", "link", "show", "dev", a])[0]
            assert st["stats"]["proto_rx"] > 0, st["stats"]
        finally:
            run([SYS_IP, "link", "set", a, "down"])
            run([SYS_IP, "link", "set", b, "down"], ns=NS)
        return True
    check("peer-two-ends-up", up)


def peer_round_trip(dev, key, fp, khex, kraw, dst):
    """A peer set, shown, replaced, refused and cleared on link DEV."""

    def outputs():
        """Every way of showing DEV, through both front ends."""
        for fe in FRONTS:
            for opts in ([], ["-d"], ["-s", "-d"], ["-j"], ["-s", "-d", "-j"]):
                yield fe, opts, run(front(fe, opts, ["link", "show", "dev",
                                                     dev]), check=True).stdout

    def key_never_shown():
        for fe, opts, out in outputs():
            assert key.hex() not in out.lower() and "key" not in out, \
                (fe, opts, out)
        return True

    for fe in FRONTS:
        def set_show(fe=fe):
            p = run(front(fe, [], ["link", "set", "dev", dev, "peer", dst,
                                   "key", khex, "role", "decide"]))
            assert p.returncode == 0, p.stderr
            l = jrun(front(fe, ["-j"], ["link", "show", "dev", dev]))[0]
            pe = l["peer"]
            want = {"address": "192.0.2.1", "port": 4747, "local_port": 4747,
                    "role": "decide", "state": "down", "fingerprint": fp}
            assert {k: pe.get(k) for k in want} == want, pe
            assert pe.get("timeout", 3000) == 3000 and \
                pe.get("keepalive", 1000) == 1000, pe
            out = run(front(fe, [], ["link", "show", "dev", dev]),
                      check=True).stdout
            line = [ln for ln in out.splitlines()
                    if ln.startswith("    peer ")]
            assert line == ["    peer 192.0.2.1:4747 local-port 4747 role "
                            "decide state down fingerprint %s" % fp], out
            return True
        check("%s-peer-set-show" % fe, set_show)

    def fingerprint_stable():
        a = jrun([QLINK, "-j", "link", "show", "dev", dev])[0]["peer"]
        p = run([IPQ, "qlink", "link", "set", "dev", dev, "peer", dst, "key",
                 kraw, "role", "decide"])
        assert p.returncode == 0, p.stderr
        b = jrun([QLINK, "-j", "link", "show", "dev", dev])[0]["peer"]
        assert a["fingerprint"] == b["fingerprint"] == fp, (a, b)
        # the two front ends print the same
        for opts in ([], ["-d"], ["-s", "-d", "-j"]):
            x = run(front("qlink", opts, ["link", "show", "dev", dev]),
                    check=True).stdout
            y = run(front("ip-qlink", opts, ["link", "show", "dev", dev]),
                    check=True).stdout
            if "-s" not in opts:
                assert x == y, (opts, x, y)
        return True
    check("peer-fingerprint-stable", fingerprint_stable)
    check("peer-key-never-shown", key_never_shown)

    def ipv6_options():
        p = run([QLINK, "link", "set", "dev", dev, "peer", "[2001:db8::1]:4747",
                 "key", khex, "local-port", "5000", "role", "follow",
                 "timeout", "5s", "keepalive", "500", "netns", NS])
        assert p.returncode == 0, p.stderr
        pe = jrun([QLINK, "-j", "link", "show", "dev", dev])[0]["peer"]
        want = {"address": "2001:db8::1", "port": 4747, "local_port": 5000,
                "role": "follow", "fingerprint": fp}
        assert {k: pe.get(k) for k in want} == want, pe
        assert pe.get("timeout", 5000) == 5000 and \
            pe.get("keepalive", 500) == 500, pe
        out = run([QLINK, "-d", "link", "show", "dev", dev],
                  check=True).stdout
        assert "\n    peer [2001:db8::1]:4747 local-port 5000 role follow " \
            "state down fingerprint %s" % fp in out, out
        if "timeout" in pe:
            assert " timeout 5s keepalive 500ms" in out, out
        return True
    check("peer-ipv6-options-netns", ipv6_options)

    def range_error():
        p = run([IPQ, "qlink", "link", "set", "dev", dev, "peer", dst, "key",
                 khex, "role", "decide", "timeout", "50"])
        assert p.returncode == 2, (p.returncode, p.stderr)
        assert p.stderr.startswith("Error: QLINK_A_PEER_TIMEOUT") and \
            'peer "timeout": allowed 100ms to 600s' in p.stderr, p.stderr
        pe = jrun([QLINK, "-j", "link", "show", "dev", dev])[0]["peer"]
        return pe["address"] == "2001:db8::1"
    check("peer-error-range", range_error)

    def stats_block():
        out = run([QLINK, "-s", "link", "show", "dev", dev], check=True).stdout
        assert "\n    protocol tx " in out and " rx-bad-mac " in out and \
            " tags-sent " in out and " peer-timeouts " in out, out
        stats = out.split("\n    protocol")[0]
        assert "proto" not in stats, out
        st = jrun([QLINK, "-s", "-j", "link", "show", "dev", dev])[0]["stats"]
        for k in ("proto_tx", "proto_rx_replayed", "tags_lost",
                  "heralds_received", "peer_restarts"):
            assert isinstance(st[k], int), (k, st)
        return True
    check("peer-stats-protocol-block", stats_block)

    def monitor_peer():
        m = subprocess.Popen([QLINK, "-j", "monitor", "count", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        for i in range(100):
            run([QLINK, "link", "set", "dev", dev, "peer", dst, "key", khex,
                 "role", "decide", "local-port", str(6000 + i)], check=True)
            if m.poll() is not None:
                break
            time.sleep(0.2)
        else:
            m.kill()
        out, err = m.communicate(timeout=10)
        assert m.returncode == 0, (m.returncode, err)
        ev = json.loads(out.splitlines()[0])
        assert ev["event"] == "change" and ev["change"] == "peer", ev
        assert ev["peer"]["fingerprint"] == fp, ev
        return True
    check("peer-monitor-change", monitor_peer)

    def busy():
        run([SYS_IP, "link", "set", dev, "up"], check=True)
        try:
            p = run([QLINK, "link", "set", "dev", dev, "peer", dst, "key",
                     khex, "role", "follow"])
            assert p.returncode == 2 and p.stderr.startswith("Error: ") \
                and "the peer of a link cannot change while it is up" in \
                p.stderr, (p.returncode, p.stderr)
            q = run([QLINK, "link", "set", "dev", dev, "nopeer"])
            assert q.returncode == 2, (q.returncode, q.stderr)
        finally:
            run([SYS_IP, "link", "set", dev, "down"], check=True)
        pe = jrun([QLINK, "-j", "link", "show", "dev", dev])[0]["peer"]
        return pe["role"] == "decide"
    check("peer-busy-while-up", busy)

    def clear():
        p = run([IPQ, "qlink", "link", "set", "dev", dev, "nopeer"])
        assert p.returncode == 0, p.stderr
        l = jrun([QLINK, "-j", "link", "show", "dev", dev])[0]
        out = run([QLINK, "-d", "link", "show", "dev", dev], check=True).stdout
        return "peer" not in l and "\n    peer " not in out
    check("peer-clear", clear)


if __name__ == "__main__":
    sys.exit(main())
