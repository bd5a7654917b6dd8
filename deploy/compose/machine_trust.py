"""Copy the certificate authorities this machine trusts beyond Debian's own into a new root file
system, where ``update-ca-certificates`` adds them (argv: the machine's bundle, the root)."""
import pathlib
import re
import sys

PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def certificates(path):
    return PEM.findall(pathlib.Path(path).read_text()) if pathlib.Path(path).exists() else []


machine, root = sys.argv[1], pathlib.Path(sys.argv[2])
debian = set(certificates(root / "etc/ssl/certs/ca-certificates.crt"))
extra = [c for c in certificates(machine) if c not in debian]
target = root / "usr/local/share/ca-certificates"
target.mkdir(parents=True, exist_ok=True)
for n, cert in enumerate(extra):
    (target / f"machine-{n}.crt").write_text(cert + "\n")
print(f"[base] {len(extra)} certificate authorities of this machine's added")
