"""Validate the Kconfig tree with kconfiglib (a real Kconfig parser) and
check that scripts/kconfig.sh olddefconfig agrees with it on every
configs/*defconfig. Run from the top directory after 'make build/Kconfig.applets'."""
import glob
import os
import subprocess
import sys
import tempfile

import kconfiglib

os.environ.setdefault("srctree", ".")
kconf = kconfiglib.Kconfig("Kconfig", warn_to_stderr=False)
problems = list(kconf.warnings)
for sym in kconf.unique_defined_syms:
    if not sym.nodes[0].help and sym.nodes[0].prompt:
        problems.append("symbol %s has no help text" % sym.name)

for cfg in sorted(glob.glob("configs/*defconfig")):
    kconf.load_config(cfg)
    with tempfile.TemporaryDirectory() as d:
        ref = os.path.join(d, "ref")
        ours = os.path.join(d, "ours")
        kconf.write_config(ref, header="")
        subprocess.run(["cp", cfg, ours], check=True)
        subprocess.run(["sh", "scripts/kconfig.sh", "olddefconfig", ours], check=True)

        def values(path):
            v = {}
            for line in open(path):
                line = line.strip()
                if line.startswith("CONFIG_"):
                    k, _, val = line.partition("=")
                    v[k] = val
                elif line.startswith("# CONFIG_") and line.endswith(" is not set"):
                    v[line.split()[1]] = "n"
            return v

        a, b = values(ref), values(ours)
        for k in sorted(set(a) | set(b)):
            if a.get(k, "n") != b.get(k, "n"):
                problems.append("%s: %s is %s by kconfiglib, %s by scripts/kconfig.sh"
                                % (cfg, k, a.get(k, "n"), b.get(k, "n")))
    print("%s: %d symbols agree with kconfiglib" % (cfg, len(a)))

for p in problems:
    print("Kconfig: " + p)
sys.exit(1 if problems else 0)
