"""The README's description of each sheet, from the workbook's schema (its one definition).

Run ``python -m tools.readme_workbook`` after changing ``vanban/workbook/schema.py`` and paste
what it prints over the README's "### Sheet …" sections; a test holds the two equal.
"""

from __future__ import annotations

from vanban.workbook import schema


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("\n", " / ").replace("|", "\\|")


def sheet_section(sheet: schema.Sheet) -> str:
    """One sheet's section: its heading, its help, and a table of its fields with examples."""
    title = f'### Sheet "{sheet.name}"' + ("" if sheet.required else " (không bắt buộc)")
    lines = [title, "", sheet.help, ""]
    if sheet.key_value:
        lines += ["| Mục | Bắt buộc | Ví dụ |", "|---|---|---|"]
        lines += [
            f"| {f.label} | {'có' if f.required else ''} | {_cell(f.example)} |"
            for f in sheet.fields
        ]
    else:
        lines.append("| " + " | ".join(f.label for f in sheet.fields) + " |")
        lines.append("|" + "---|" * len(sheet.fields))
        lines.append("| " + " | ".join(_cell(f.example) for f in sheet.fields) + " |")
    return "\n".join(lines) + "\n"


def sections() -> str:
    return "\n".join(sheet_section(s) for s in schema.SHEETS)


if __name__ == "__main__":
    print(sections(), end="")
