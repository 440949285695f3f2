"""Checks a release's SLSA provenance with the in-toto project's own Python bindings.

Reads the statement cosign verified (the decoded DSSE payload, JSON) on stdin. The predicate must
parse, field for field, as SLSA Provenance v1 (the in-toto attestation proto, unknown fields
refused), every resource descriptor in it must be valid, and the subject and predicate must make a
valid in-toto Statement/v1. Prints what it found; exit 0 valid, 1 not (the reason on stderr).
The statement's own `_type` is cosign's to write: the pinned cosign writes Statement/v0.1 for every
predicate (docs/transparency-log-plan.md), which is reported, not judged.
"""

import json
import sys

from google.protobuf import json_format
from in_toto_attestation.predicates.provenance.v1 import provenance_pb2
from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
from in_toto_attestation.v1.statement import Statement

SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1"


def main() -> int:
    statement = json.load(sys.stdin)
    try:
        if statement.get("predicateType") != SLSA_PROVENANCE_V1:
            raise ValueError(f"predicateType is {statement.get('predicateType')!r}, not {SLSA_PROVENANCE_V1}")
        provenance = json_format.ParseDict(statement["predicate"], provenance_pb2.Provenance(), ignore_unknown_fields=False)
        definition, run = provenance.build_definition, provenance.run_details
        if not definition.build_type or not definition.HasField("external_parameters"):
            raise ValueError("buildDefinition needs buildType and externalParameters")
        if not run.builder.id:
            raise ValueError("runDetails.builder.id is required")
        for rd in [*definition.resolved_dependencies, *run.byproducts]:
            ResourceDescriptor.copy_from_pb(rd).validate()
        subjects = [json_format.ParseDict(s, ResourceDescriptor().pb) for s in statement["subject"]]
        Statement(subjects, statement["predicateType"], statement["predicate"]).validate()
    except (ValueError, KeyError, json_format.ParseError) as err:
        print(f"invalid SLSA provenance: {err}", file=sys.stderr)
        return 1
    print(f"valid SLSA Provenance v1 predicate; valid as an in-toto Statement/v1; cosign wrote {statement.get('_type')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
