"""The one build step pyproject.toml cannot declare: compile the kiosk's translations.

Translators edit ``kiosk/locale/<lang>/LC_MESSAGES/handover.po``; the kiosk reads the compiled
``handover.mo`` with the standard library's ``gettext``. Compiling here, at build time, rather
than committing the ``.mo``: a binary file in git does not merge (several people add messages
at once) and goes stale the moment a ``.po`` changes; a build cannot ship one that disagrees
with its ``.po``. Babel compiles (a build requirement only, pure Python, so a wheel builds
wherever pip runs; GNU msgfmt would need a system package).

A wheel gets the ``.mo`` in its build folder; an editable install (the checkout's .venv) gets
them beside their ``.po``, ignored by git.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path("kiosk", "locale")
# The e-mails to parents are written in the kiosk's languages too (admin/notice_language.py).
LOCALES = (LOCALE, Path("admin", "locale"))


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Every ``<lang>/LC_MESSAGES/*.po`` under source compiled to a ``.mo`` under target."""
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as text:
            catalog = read_po(text, locale=po.parent.parent.name)
        with mo.open("wb") as compiled:
            write_mo(compiled, catalog)
        written.append(mo)
    return written


class BuildWithCatalogs(build_py):  # type: ignore[misc]  # setuptools is untyped here
    def run(self) -> None:
        super().run()
        editable = getattr(self, "editable_mode", False)
        for locale in LOCALES:
            compile_catalogs(locale, locale if editable else Path(self.build_lib) / locale)


if __name__ == "__main__":  # as setuptools runs it; tests import compile_catalogs only
    setup(cmdclass={"build_py": BuildWithCatalogs})
