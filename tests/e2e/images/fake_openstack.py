#!/usr/bin/env python3
"""A stand-in for the `openstack` CLI's image commands, for testing register.sh.

Images live in the JSON file named by FAKE_OPENSTACK_DB; every call is appended to it.
"""

import json
import os
import sys
import uuid


def main(argv):
    db_path = os.environ["FAKE_OPENSTACK_DB"]
    try:
        with open(db_path) as f:
            db = json.load(f)
    except FileNotFoundError:
        db = {"images": {}, "calls": []}
    db["calls"].append(argv)
    assert argv[0] == "image", argv
    verb, args = argv[1], argv[2:]
    out = ""
    if verb == "list":
        name = args[args.index("--name") + 1]
        out = "".join(f"{i}\n" for i, img in db["images"].items() if img["name"] == name)
    elif verb == "show":
        img = db["images"][args[0]]
        out = json.dumps({"id": args[0], "name": img["name"], "properties": img["properties"]})
    elif verb == "delete":
        del db["images"][args[0]]
    elif verb == "create":
        img = {"properties": {}, "visibility": None}
        i = 0
        positional = []
        while i < len(args):
            a = args[i]
            if a in ("--public", "--private", "--shared", "--community"):
                img["visibility"] = a[2:]
            elif a == "--property":
                key, value = args[i + 1].split("=", 1)
                img["properties"][key] = value
                i += 1
            elif a in ("--disk-format", "--container-format", "--file", "-f", "-c"):
                img[a.lstrip("-")] = args[i + 1]
                i += 1
            else:
                positional.append(a)
            i += 1
        img["name"] = positional[0]
        assert os.path.isfile(img["file"]), img
        image_id = str(uuid.uuid4())
        db["images"][image_id] = img
        out = image_id + "\n"
    with open(db_path, "w") as f:
        json.dump(db, f)
    sys.stdout.write(out)


if __name__ == "__main__":
    main(sys.argv[1:])
