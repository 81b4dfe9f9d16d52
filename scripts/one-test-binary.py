#!/usr/bin/env python3
"""Moves every top-level integration test (tests/NAME.rs) into the one test binary, tests/it/.

Each test crate links the whole library and its dependencies, so 40 crates meant 40 links on every
CI run; one crate links once. Run from anywhere, as often as you like (it does nothing where nothing
is left to move), e.g. after merging a branch that added tests/NAME.rs:

    python3 scripts/one-test-binary.py && cargo test --test it NAME::

(then `git add -A tests` and commit: the moves are staged, the edits made after them are not).

For each tests/NAME.rs it:
- moves it to tests/it/NAME.rs (`git mv` where tracked) and adds `mod NAME;` to tests/it/main.rs,
  sorted; a leading `#![cfg(...)]` becomes `#[cfg(...)]` on that line;
- leaves a file whose leading `#![cfg(feature = "...")]` needs a cargo feature as its own test crate
  (`cargo test --features F --test NAME`), since the one binary is built without features;
- replaces `mod common;` with `use crate::common;` (main.rs declares tests/common/ once);
- prefixes with `../` the paths that are relative to the file's folder: `#[path]`, `include_str!`,
  `include_bytes!`, insta's `glob!` base and `snapshot_path`;
- moves tests/NAME/ with it where tests/NAME.rs declares its files in an inline `mod NAME { mod a; }`
  (the wrapper goes: tests/it/NAME.rs declares them itself);
- moves proptest's regression seeds, tests/NAME.proptest-regressions, to
  tests/proptest-regressions/NAME.txt, where proptest looks once a main.rs is above the test file;
- rewrites `tests/NAME.rs` and `--test NAME` wherever the repository mentions them (not in snapshots/,
  whose `source:` lines are metadata insta does not compare).
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
IT = TESTS / "it"
MAIN = IT / "main.rs"
SEEDS = TESTS / "proptest-regressions"

HEADER = """\
//! The integration tests, one module a file, in ONE test binary: each test crate links the whole
//! library and its dependencies, so one crate links once where a file each linked 40 times.
//!
//! A new test file goes here, as `tests/it/NAME.rs` with `mod NAME;` below (sorted), and runs with
//! `cargo test --test it NAME::`. Shared helpers are in `tests/common/`; snapshots in the top-level
//! `snapshots/`; paths in `#[path]`, `include_str!` and insta's `glob!` are relative to this folder.
//! A file added as `tests/NAME.rs` (e.g. on a branch made before this layout) is moved here by
//! `scripts/one-test-binary.py`. Only a test that needs a cargo feature stays a crate of its own
//! (`tests/NAME.rs` with `#![cfg(feature = "...")]`, run with `--features`).
//!
//! The tests share one process: none may set an environment variable or change the current folder
//! (children get theirs through `Command::env`/`current_dir`); the few that call `set_current_dir`
//! set the crate root, where cargo runs tests anyway, so no test can see another folder.

"""
# Declared with the tests, in the order rustfmt keeps: tests/common/ serves a feature's own crate too.
COMMON = ["#[path = \"../common/mod.rs\"]"]


def git(*args, check=True):
    return subprocess.run(["git", "-C", str(ROOT), *args], check=check, capture_output=True, text=True)


def tracked(path):
    return git("ls-files", "--error-unmatch", str(path), check=False).returncode == 0


def move(src, dst):
    dst.parent.mkdir(parents=True, exist_ok=True)
    if tracked(src):
        git("mv", str(src), str(dst))
    else:
        src.rename(dst)


def leading_inner_attributes(text):
    """The `#![...]` attributes at the top of a file (after its `//!` doc), with their spans."""
    attrs = []
    pos = 0
    while True:
        m = re.compile(r"(?:[ \t]*//[^\n]*\n|[ \t]*\n)*(#!\[(?:[^\[\]]|\[[^\]]*\])*\])[ \t]*\n?").match(text, pos)
        if not m:
            break
        attrs.append((m.group(1), m.start(1), m.end()))
        pos = m.end()
    return attrs


def relative(literal):
    """A file-relative path literal one folder deeper."""
    if literal.startswith("/") or literal.startswith("../../"):
        return literal
    return "../" + literal


def fix_paths(text):
    text = re.sub(r'(#\[path\s*=\s*")([^"]+)(")', lambda m: m[1] + relative(m[2]) + m[3], text)
    text = re.sub(r'(include_(?:str|bytes)!\(\s*")([^"]+)(")', lambda m: m[1] + relative(m[2]) + m[3], text)
    text = re.sub(r'(snapshot_path\s*=>\s*")([^"]+)(")', lambda m: m[1] + relative(m[2]) + m[3], text)
    text = re.sub(r'(set_snapshot_path\(\s*")([^"]+)(")', lambda m: m[1] + relative(m[2]) + m[3], text)
    # glob!(BASE, PATTERN, closure): the base is relative to the file; glob!(PATTERN, closure) gets one.
    text = re.sub(r'(glob!\(\s*")([^"]+)("\s*,\s*"[^"]*"\s*,)', lambda m: m[1] + relative(m[2]) + m[3], text)
    text = re.sub(r'(glob!\(\s*)("[^"]+"\s*,\s*(?:move\s*)?\|)', r'\1"..", \2', text)
    return text


def unwrap_inline(name, text):
    """`mod NAME { pub mod a; pub mod b; }` in tests/NAME.rs, its files in tests/NAME/: the modules
    declared directly, since tests/it/NAME.rs's own folder is tests/it/NAME/."""
    wrapper = re.compile(r"((?:///[^\n]*\n)*)mod " + name + r" \{\n((?:\s*(?:pub )?mod \w+;\n)+)\}\n")
    m = wrapper.search(text)
    if not m:
        return None
    doc = m[1].replace("///", "//")
    mods = "".join(line.strip().removeprefix("pub ") + "\n" for line in m[2].splitlines() if line.strip())
    text = text[: m.start()] + doc + mods + text[m.end() :]
    # The modules are now in scope by their own names: `use NAME::a;` goes, `{self, ..}` loses `self`.
    text = re.sub(r"^use " + name + r"::\w+;\n", "", text, flags=re.M)
    text = re.sub(r"^(use " + name + r"::\w+::\{)self, ", r"\1", text, flags=re.M)
    return re.sub(r"\b" + name + r"::", "", text)


def move_test(path, mods, renamed):
    name = path.stem
    text = path.read_text()
    attrs = leading_inner_attributes(text)
    cfgs = [a for a in attrs if a[0].startswith("#![cfg(")]
    if any("feature" in a[0] for a in cfgs):
        print(f"kept   tests/{name}.rs: it needs a cargo feature ({cfgs[0][0]})")
        return
    for attr, start, end in reversed(cfgs):
        text = text[:start] + text[end:]
    crate_level = [a[0] for a in attrs if re.match(r"#!\[(feature|recursion_limit|no_std|no_main)", a[0])]
    if crate_level:
        sys.exit(f"tests/{name}.rs has crate-level {crate_level}: move it by hand (into tests/it/main.rs)")
    uses_common = "common::" in re.sub(r"^\s*mod common;\n", "", text, flags=re.M)
    text = re.sub(r"^mod common;\n", "use crate::common;\n" if uses_common else "", text, flags=re.M)
    text = fix_paths(text)
    folder = TESTS / name
    unwrapped = unwrap_inline(name, text) if folder.is_dir() else None
    if unwrapped is not None:
        text = unwrapped
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                move(file, IT / name / file.relative_to(folder))
        for sub in sorted(folder.rglob("*"), reverse=True) + [folder]:
            if sub.is_dir():
                sub.rmdir()
        renamed[f"tests/{name}/"] = f"tests/it/{name}/"
    move(path, IT / path.name)
    (IT / path.name).write_text(text)
    seeds = TESTS / f"{name}.proptest-regressions"
    if seeds.exists():
        move(seeds, SEEDS / f"{name}.txt")
        renamed[f"tests/{name}.proptest-regressions"] = f"tests/proptest-regressions/{name}.txt"
    mods[name] = [c[0].replace("#![", "#[", 1) for c in cfgs]
    renamed[f"tests/{name}.rs"] = f"tests/it/{name}.rs"
    renamed[f"--test {name}"] = f"--test it {name}::"
    print(f"moved  tests/{name}.rs")


def existing_mods():
    """The `mod NAME;` lines of tests/it/main.rs, each with the attributes above it."""
    mods = {}
    if not MAIN.exists():
        return mods
    attrs = []
    for line in MAIN.read_text().splitlines():
        line = line.strip()
        if line.startswith("#["):
            attrs.append(line)
        elif m := re.fullmatch(r"mod (\w+);", line):
            if m[1] != "common":
                mods[m[1]] = attrs
            attrs = []
        elif line and not line.startswith("//"):
            attrs = []
    return mods


def write_main(mods):
    mods = {**mods, "common": COMMON}
    body = "".join("".join(a + "\n" for a in mods[n]) + f"mod {n};\n" for n in sorted(mods))
    MAIN.write_text(HEADER + body)


def rewrite_mentions(renamed):
    """`tests/NAME.rs` -> `tests/it/NAME.rs` (and the like) in every tracked text file."""
    if not renamed:
        return
    pattern = re.compile("|".join(re.escape(k) + (r"\b" if k.startswith("--test") else "") for k in renamed))
    for rel in git("ls-files").stdout.splitlines():
        if rel.startswith(("snapshots/", "target/")) or rel in ("Cargo.lock",):
            continue
        path = ROOT / rel
        if not path.is_file() or path.stat().st_size > 1_000_000:
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        new = pattern.sub(lambda m: renamed[m[0]], text)
        if new != text:
            if rel == "Cargo.toml":
                print("Cargo.toml names a moved test: fix its [[test]] entry by hand", file=sys.stderr)
                continue
            path.write_text(new)
            print(f"edited {rel}")


def main():
    mods = existing_mods()
    renamed = {}
    for path in sorted(TESTS.glob("*.rs")):
        move_test(path, mods, renamed)
    write_main(mods)
    rewrite_mentions(renamed)
    if renamed:
        # e.g. `use exact::{Figure};` once a wrapper module's name has gone from the path
        subprocess.run(["cargo", "fmt"], cwd=ROOT, check=True)
    git("add", str(MAIN))


if __name__ == "__main__":
    main()
