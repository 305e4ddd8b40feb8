#!/usr/bin/env python3
"""Checks that the repository's Markdown documents stand alone.

For every Markdown file given (default: every tracked *.md file) it reports
  - relative links whose target file does not exist or lies outside the repository,
  - links to a heading (#anchor) that the target document does not have (GitHub's slugs),
  - references to things a reader of the repository cannot see: ../shared, reference/,
    DESIGN.md, issue or session numbers, "the lead".
Exits 1 when anything was found, 0 otherwise.

    scripts/check-doc-links.py                 # every tracked Markdown file
    scripts/check-doc-links.py README.md docs/SERVER.md
"""
import os
import re
import subprocess
import sys

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

OUTSIDE_REFERENCES = [
    (re.compile(r"\.\./shared\b"), "../shared"),
    (re.compile(r"\breference/"), "reference/"),
    (re.compile(r"\bDESIGN\.md\b"), "DESIGN.md"),
    (re.compile(r"\bissues?\s+#?\d+", re.IGNORECASE), "an issue number"),
    (re.compile(r"(?<!\w)#\d+\b"), "an issue number"),
    (re.compile(r"\bsessions?\s+\d+", re.IGNORECASE), "a session number"),
    (re.compile(r"\bthe lead\b|\blead's\b", re.IGNORECASE), "the lead"),
]


def markdown_files(args):
    if args:
        return args
    out = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [os.path.join(ROOT, line) for line in out.stdout.splitlines() if line]


def prose_lines(text):
    """(line number, line) outside fenced code blocks; inline code spans blanked out."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * len(match.group(1))
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        yield number, re.sub(r"(`+)(.+?)\1", lambda m: " " * len(m.group(0)), line)


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]+>", "", text).lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors_of(path, cache={}):
    if path not in cache:
        seen = {}
        anchors = set()
        with open(path, encoding="utf-8") as f:
            fence = None
            for line in f.read().splitlines():
                match = FENCE.match(line)
                if fence is None and match:
                    fence = match.group(1)[0] * len(match.group(1))
                    continue
                if fence is not None:
                    if line.strip().startswith(fence):
                        fence = None
                    continue
                heading = HEADING.match(line)
                if heading:
                    base = slug(heading.group(2))
                    count = seen.get(base, 0)
                    seen[base] = count + 1
                    anchors.add(base if count == 0 else f"{base}-{count}")
        cache[path] = anchors
    return cache[path]


def check_link(source, target):
    """An error message for a bad link target, or None."""
    if SCHEME.match(target) or target.startswith("//"):
        return None
    path, _, anchor = target.partition("#")
    if path:
        resolved = os.path.realpath(os.path.join(os.path.dirname(source), path))
        if resolved != ROOT and not resolved.startswith(ROOT + os.sep):
            return f"link leaves the repository: {target}"
        if not os.path.exists(resolved):
            return f"missing link target: {target}"
    else:
        resolved = os.path.realpath(source)
    if anchor and resolved.endswith(".md") and os.path.isfile(resolved):
        if anchor.lower() not in anchors_of(resolved):
            return f"no heading for #{anchor} in {os.path.relpath(resolved, ROOT)}"
    return None


def check_file(path):
    problems = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for number, line in prose_lines(text):
        targets = [m.group(1) for m in INLINE_LINK.finditer(line)]
        definition = REFERENCE_DEF.match(line)
        if definition:
            targets.append(definition.group(1))
        for target in targets:
            error = check_link(path, target)
            if error:
                problems.append((number, error))
    # Code spans and blocks included: `reference/CLIENT.md` is no more visible in backticks.
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, what in OUTSIDE_REFERENCES:
            for match in pattern.finditer(line):
                problems.append((number, f"refers to {what} outside the repository: '{match.group(0)}'"))
    problems.sort()
    return problems


def main(args):
    failed = False
    for path in markdown_files(args):
        for number, problem in check_file(path):
            failed = True
            print(f"{os.path.relpath(path, ROOT)}:{number}: {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
