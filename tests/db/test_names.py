"""Names file by their letters: accents and case are secondary, whichever script or spelling
a family uses (plain names take a quicker path to the same order)."""

from __future__ import annotations

from db.names import sort_key


def test_plain_and_accented_names_file_together_on_the_register() -> None:
    names = ["Zoë", "Adams", "zoe", "Łukasz", "Lukas", "Zoe", "Ayşe", "Aysel", "Lukasz", "ZOE"]
    names += ["Nguyễn", "Nguyen"]
    assert sorted(names, key=sort_key) == [
        "Adams",
        "Ayşe",
        "Aysel",
        "Lukas",
        "Lukasz",
        "Łukasz",
        "Nguyen",
        "Nguyễn",
        "ZOE",
        "Zoe",
        "Zoë",
        "zoe",
    ]


def test_a_family_name_sorts_before_the_first_name_whatever_the_accents() -> None:
    children = [("Ökafor", "Amara"), ("Okafor", "Ámara"), ("Okafor", "amara"), ("Okafor", "Amara")]
    assert sorted(children, key=lambda c: sort_key(*c)) == [
        ("Okafor", "Amara"),
        ("Okafor", "amara"),
        ("Okafor", "Ámara"),
        ("Ökafor", "Amara"),
    ]
