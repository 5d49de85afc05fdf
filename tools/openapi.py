"""Write the OpenAPI documents of the Compute, Placement, Identity and
Image APIs into docs/openapi/ (tests/unit/api/test_openapi.py fails while
they differ from what the code generates).

    .venv/bin/python tools/openapi.py           # write
    .venv/bin/python tools/openapi.py --check   # exit 1 if out of date
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stratus.api import openapi  # noqa: E402

OUT = ROOT / "docs" / "openapi"


def render(name):
    return json.dumps(openapi.DOCUMENTS[name](), indent=1, sort_keys=True) + "\n"


def main(argv):
    stale = []
    for name in sorted(openapi.DOCUMENTS):
        path = OUT / ("%s.json" % name)
        text = render(name)
        if "--check" in argv:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
            continue
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print("wrote %s" % path.relative_to(ROOT))
    if stale:
        print("out of date (run tools/openapi.py): %s" % ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
