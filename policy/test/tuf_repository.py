"""Writes a TUF repository whose one target is a Sigstore trusted root: what a Kyverno
ImageValidatingPolicy's keyless attestor reads its trust from (it always starts a TUF client), for
the admission test's local Sigstore. One ephemeral ed25519 key signs every role; the repository
lives a day. Uses python-tuf's metadata API (PyPI `tuf`, pinned in policy/requirements.txt).

usage: tuf_repository.py OUT_DIR TRUSTED_ROOT_JSON   (prints the path of 1.root.json)
"""

import os
import sys
from datetime import datetime, timedelta, timezone

from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import MetaFile, Metadata, Root, Snapshot, TargetFile, Targets, Timestamp


def main(out: str, trusted_root: str) -> str:
    os.makedirs(os.path.join(out, "targets"), exist_ok=True)
    signer = CryptoSigner.generate_ed25519()
    expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)

    root = Root(expires=expires, consistent_snapshot=False)
    for role in ("root", "targets", "snapshot", "timestamp"):
        root.add_key(signer.public_key, role)

    with open(trusted_root, "rb") as f:
        data = f.read()
    with open(os.path.join(out, "targets", "trusted_root.json"), "wb") as f:
        f.write(data)
    targets = Targets(expires=expires)
    targets.targets["trusted_root.json"] = TargetFile.from_data("trusted_root.json", data, ["sha256"])
    snapshot = Snapshot(expires=expires)
    snapshot.meta["targets.json"] = MetaFile(version=targets.version)
    timestamp = Timestamp(expires=expires)
    timestamp.snapshot_meta = MetaFile(version=snapshot.version)

    for name, signed in (("root", root), ("targets", targets), ("snapshot", snapshot), ("timestamp", timestamp)):
        metadata = Metadata(signed)
        metadata.sign(signer)
        metadata.to_file(os.path.join(out, f"{name}.json"))
        if name == "root":
            metadata.to_file(os.path.join(out, "1.root.json"))
    return os.path.join(out, "1.root.json")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: tuf_repository.py OUT_DIR TRUSTED_ROOT_JSON")
    print(main(sys.argv[1], sys.argv[2]))
