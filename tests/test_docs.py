"""README and docs stand on their own: every link resolves inside the repository."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_links_stay_in_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "#")):
            continue
        path = (doc.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{doc.name}: {target} leaves the repository"
        assert path.exists(), f"{doc.name}: {target} does not exist"


def test_readme_links_the_architecture_doc():
    assert "[docs/architecture.md](docs/architecture.md)" in (ROOT / "README.md").read_text()


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text()
    command = 'pip install -e ".[dev]" && ruff check . && ruff format --check . && python -m pytest'
    assert f"```bash\n{command}\n```" in readme
    assert command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_no_dependency_that_no_module_imports():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=!~ ;\[]", d)[0] for d in deps}
    assert names == {"torch", "numpy", "h5py", "pillow"}
    sources = "\n".join(p.read_text() for p in (ROOT / "tkeras").rglob("*.py"))
    modules = {"pillow": "PIL"}  # the distribution's import name (tkeras.utils image I/O)
    for name in names:
        module = modules.get(name, name)
        assert re.search(rf"^\s*(import|from) {module}\b", sources, re.M), name
    assert not re.search(r"^\s*(import|from) torchvision\b", sources, re.M)


def test_readme_counts_of_ops_and_activations_are_true():
    import inspect

    import keras

    import tkeras

    readme = " ".join((ROOT / "README.md").read_text().split())
    theirs = {
        name
        for name in dir(keras.ops)
        if not name.startswith("_")
        and callable(getattr(keras.ops, name))
        and not inspect.ismodule(getattr(keras.ops, name))
    }
    ours = set(tkeras.ops.__all__)
    assert ours == theirs
    assert f"`tkeras.ops` (all {len(ours)} `keras.ops` names" in readme
    activations = set(tkeras.activations.ALL_OBJECTS_DICT)
    assert f"`tkeras.activations` (all {len(activations)} of Keras's)" in readme
