"""The documents a newcomer reads first point at things that exist."""
import os
import re

from harness import ROOT, check

# A path in backquotes under one of these folders; placeholders (NAME, AREA, NNN, *) are skipped.
PATH = re.compile(r"`((?:cgi|tests|templates|schema|conf|deploy)/[^`\s]+)`")


def test_hacking_is_linked_from_the_readme_and_names_real_files(stack):
    with open(os.path.join(ROOT, "README.md")) as f:
        check("(HACKING.md)" in f.read(), "README.md does not link HACKING.md")
    with open(os.path.join(ROOT, "HACKING.md")) as f:
        text = f.read()
    paths = [p for p in PATH.findall(text) if not re.search(r"NAME|AREA|NNN|\*|-x", p)]
    check(len(paths) >= 8, paths)
    missing = [p for p in paths if not os.path.exists(os.path.join(ROOT, p.split(" ")[0]))]
    check(not missing, f"HACKING.md names missing paths: {missing}")
