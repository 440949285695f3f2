"""Validates Kyverno policies offline against Kyverno's CRD schemas.

The schemas come as pydantic models generated from the CRDs (PyPI: cloudcoil-models-kyverno,
pinned in requirements.txt). A model accepts unknown fields silently, so after validating we also
dump it back and report any field of the input that the schema does not know.
Usage: python validate_kyverno.py POLICY.yaml...   Exit 0: valid; 1: invalid (reasons printed).
"""
import sys

import yaml
from cloudcoil.models.kyverno import v1

MODELS = {("kyverno.io/v1", "ClusterPolicy"): v1.ClusterPolicy, ("kyverno.io/v1", "Policy"): v1.Policy}


def unknown_fields(given, known, path=""):
    if isinstance(given, dict):
        if not isinstance(known, dict):
            return [path or "/"]
        out = []
        for key, value in given.items():
            if key not in known:
                out.append(f"{path}/{key}")
            else:
                out.extend(unknown_fields(value, known[key], f"{path}/{key}"))
        return out
    if isinstance(given, list) and isinstance(known, list):
        return [p for i, (g, k) in enumerate(zip(given, known)) for p in unknown_fields(g, k, f"{path}/{i}")]
    return []


def main(paths):
    failed = False
    for path in paths:
        for doc in yaml.safe_load_all(open(path, encoding="utf-8")):
            model = MODELS.get((doc.get("apiVersion"), doc.get("kind")))
            if model is None:
                print(f"{path}: no schema for {doc.get('apiVersion')}/{doc.get('kind')}")
                failed = True
                continue
            try:
                obj = model.model_validate(doc)
            except Exception as err:  # pydantic.ValidationError, with every violation listed
                print(f"{path}: invalid {doc['kind']}: {err}")
                failed = True
                continue
            extra = unknown_fields(doc, obj.model_dump(by_alias=True, exclude_unset=True, mode="json"))
            if extra:
                print(f"{path}: fields the {doc['kind']} schema does not define: {', '.join(extra)}")
                failed = True
            else:
                print(f"{path}: valid {doc['kind']} {doc['metadata']['name']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
